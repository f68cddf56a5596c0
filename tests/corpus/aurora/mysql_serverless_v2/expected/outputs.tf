output "mysql_endpoint" {
  value = digitalocean_database_cluster.app.host
}

output "mysql_port" {
  value = digitalocean_database_cluster.app.port
}

output "mysql_dsn" {
  value     = "mysql://${digitalocean_database_cluster.app.user}:${digitalocean_database_cluster.app.password}@${digitalocean_database_cluster.app.host}:${digitalocean_database_cluster.app.port}/${digitalocean_database_db.app_db.name}"
  sensitive = true
}
