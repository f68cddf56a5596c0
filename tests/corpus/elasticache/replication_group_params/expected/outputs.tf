output "cache_primary" {
  value = digitalocean_database_cluster.cache.host
}

output "cache_reader" {
  value = digitalocean_database_cluster.cache.host
}

output "cache_port" {
  value = digitalocean_database_cluster.cache.port
}
