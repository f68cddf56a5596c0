output "kubernetes_cluster_name" {
  value = digitalocean_kubernetes_cluster.main.name
}
