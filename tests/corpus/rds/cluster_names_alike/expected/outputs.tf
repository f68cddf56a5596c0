output "cache_host" {
  value = digitalocean_database_cluster.sessions.host
}
