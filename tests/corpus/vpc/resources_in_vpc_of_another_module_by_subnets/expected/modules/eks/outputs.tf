output "kubernetes_cluster_name" {
  value = digitalocean_kubernetes_cluster.this.name
}
