output "db_host" {
  value = digitalocean_database_cluster.app.host
}
