output "postgres_port" {
  value = digitalocean_database_cluster.pg.port
}

output "postgres_version" {
  value = digitalocean_database_cluster.pg.version
}
