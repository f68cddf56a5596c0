output "legacy_cluster" {
  value = digitalocean_kubernetes_cluster.platform.urn
}
