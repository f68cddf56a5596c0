output "redis_host" {
  value = local.redis_host
}

output "redis_port" {
  value = tostring(local.redis_port)
}

output "first_node_port" {
  value = digitalocean_database_cluster.mastodon.port
}

output "first_node_zone" {
  value = null
}
