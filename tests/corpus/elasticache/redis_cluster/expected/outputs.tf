output "redis_host" {
  value = digitalocean_database_cluster.sessions.host
}

output "redis_port" {
  value = digitalocean_database_cluster.sessions.port
}

output "redis_url" {
  value = "redis://${digitalocean_database_cluster.sessions.host}:${digitalocean_database_cluster.sessions.port}"
}
