output "database_url" {
  value = local.database_url
}

output "redis_url" {
  value = "redis://${digitalocean_database_cluster.cache.host}:${digitalocean_database_cluster.cache.port}/0"
}

output "pooler_url" {
  value = "postgresql://app@${digitalocean_database_cluster.db.host}:6432/app"
}
