output "db_endpoint" {
  value = "${digitalocean_database_cluster.db.host}:${digitalocean_database_cluster.db.port}"
}

output "db_host" {
  value = digitalocean_database_cluster.db.host
}

output "db_port" {
  value = digitalocean_database_cluster.db.port
}
