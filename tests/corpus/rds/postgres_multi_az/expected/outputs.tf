output "database_url" {
  value     = "postgres://${digitalocean_database_cluster.main.user}:${digitalocean_database_cluster.main.password}@${"${digitalocean_database_cluster.main.host}:${digitalocean_database_cluster.main.port}"}/${digitalocean_database_db.main_db.name}"
  sensitive = true
}

output "db_address" {
  value = digitalocean_database_cluster.main.host
}

output "db_port" {
  value = digitalocean_database_cluster.main.port
}

output "db_arn" {
  value = digitalocean_database_cluster.main.urn
}
