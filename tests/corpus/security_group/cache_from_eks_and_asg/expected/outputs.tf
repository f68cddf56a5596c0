output "redis_endpoint" {
  value = digitalocean_database_cluster.jobs.host
}
