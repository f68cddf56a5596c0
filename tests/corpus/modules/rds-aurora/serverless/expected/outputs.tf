output "writer" {
  value = digitalocean_database_cluster.aurora.host
}

output "reader" {
  value = digitalocean_database_cluster.aurora.host
}

output "port" {
  value = digitalocean_database_cluster.aurora.port
}

output "database" {
  value = digitalocean_database_db.aurora_db.name
}
