output "app_db" {
  value = "${digitalocean_database_cluster.app.host}:${digitalocean_database_cluster.app.port}"
}
