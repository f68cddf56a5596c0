output "writer_endpoint" {
  value = digitalocean_database_cluster.ledger.host
}

output "reader_endpoint" {
  value = digitalocean_database_cluster.ledger.host
}

output "port" {
  value = digitalocean_database_cluster.ledger.port
}

output "instance_endpoints" {
  value = [digitalocean_database_cluster.ledger.host]
}
