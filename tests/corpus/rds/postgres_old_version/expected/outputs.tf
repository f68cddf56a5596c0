output "reports_db" {
  value = {
    host = digitalocean_database_cluster.legacy.host
    port = digitalocean_database_cluster.legacy.port
    user = digitalocean_database_cluster.legacy.user
  }
}
