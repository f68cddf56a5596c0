output "redis_primary" {
  value = digitalocean_database_cluster.cache.host
}
