output "second_pool" {
  value = digitalocean_kubernetes_node_pool.workers[0].name
}
