output "general_pool" {
  value = digitalocean_kubernetes_cluster.main.node_pool[0].name
}

output "compute_pool" {
  value = digitalocean_kubernetes_node_pool.this["compute"].name
}

output "pools_by_key" {
  value = {for k, g in { "general" = { id = digitalocean_kubernetes_cluster.main.node_pool[0].id, node_group_name = digitalocean_kubernetes_cluster.main.node_pool[0].name }, "compute" = { id = digitalocean_kubernetes_node_pool.this["compute"].id, node_group_name = digitalocean_kubernetes_node_pool.this["compute"].name }, "memory" = { id = digitalocean_kubernetes_node_pool.this["memory"].id, node_group_name = digitalocean_kubernetes_node_pool.this["memory"].name } } : k => g.node_group_name}
}

output "batch_pool_ids" {
  value = [
    digitalocean_kubernetes_cluster.batch.node_pool[0].id,
    digitalocean_kubernetes_node_pool.batch[0].id,
    digitalocean_kubernetes_node_pool.batch[1].id,
  ]
}

output "last_batch_pool" {
  value = digitalocean_kubernetes_node_pool.batch[1].name
}

output "batch_pools_by_index" {
  value = [for i in range(3) : [digitalocean_kubernetes_cluster.batch.node_pool[0].name, digitalocean_kubernetes_node_pool.batch[0].name, digitalocean_kubernetes_node_pool.batch[1].name][i]]
}
