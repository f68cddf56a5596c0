output "address" {
  value = digitalocean_database_cluster.main.host
}

output "address_port" {
  value = digitalocean_database_cluster.main.port
}
