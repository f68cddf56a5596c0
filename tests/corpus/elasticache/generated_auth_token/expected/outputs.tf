output "redis_url" {
  value     = "rediss://:${digitalocean_database_cluster.cache.password}@${digitalocean_database_cluster.cache.host}:${digitalocean_database_cluster.cache.port}"
  sensitive = true
}
