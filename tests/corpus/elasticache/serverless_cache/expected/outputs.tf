output "cache_endpoint" {
  value = [
    {
      address = digitalocean_database_cluster.redis_cache.host
      port    = digitalocean_database_cluster.redis_cache.port
    },
  ]
}

output "redis_url" {
  value = "rediss://${digitalocean_database_cluster.redis_cache.host}:${digitalocean_database_cluster.redis_cache.port}"
}
