output "redis_address" {
  value = digitalocean_database_cluster.cache.host
}

output "orders_endpoint" {
  value = "${digitalocean_database_cluster.orders.host}:${digitalocean_database_cluster.orders.port}"
}
