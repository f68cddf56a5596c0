output "writer_endpoint" {
  value = digitalocean_database_cluster.primary.host
}

output "secondary_reader_endpoint" {
  value = digitalocean_database_replica.secondary.host
}
