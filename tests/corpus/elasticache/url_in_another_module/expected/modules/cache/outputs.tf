output "redis_host" {
  value = digitalocean_database_cluster.redis.host
}

output "redis_host_port" {
  value = digitalocean_database_cluster.redis.port
}

output "redis_host_password" {
  value     = digitalocean_database_cluster.redis.password
  sensitive = true
}
