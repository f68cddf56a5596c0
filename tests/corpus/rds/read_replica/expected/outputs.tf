output "writer_endpoint" {
  value = "${digitalocean_database_cluster.main.host}:${digitalocean_database_cluster.main.port}"
}

output "reporting_endpoint" {
  value = "${digitalocean_database_replica.reporting.host}:${digitalocean_database_replica.reporting.port}"
}

output "reporting_port" {
  value = digitalocean_database_replica.reporting.port
}
