output "node_group" {
  value = digitalocean_kubernetes_cluster.main.node_pool[0].name
}
