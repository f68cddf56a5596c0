output "primary_endpoint" {
  value = "${digitalocean_database_cluster.primary.host}:${digitalocean_database_cluster.primary.port}"
}

output "replica_hosts" {
  value = digitalocean_database_replica.replica[*].host
}

output "replica_port" {
  value = digitalocean_database_replica.replica[0].port
}
