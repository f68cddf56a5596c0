output "docdb_endpoint" {
  value = digitalocean_database_cluster.content.host
}

output "docdb_port" {
  value = digitalocean_database_cluster.content.port
}

output "docdb_uri" {
  value     = "mongodb://${digitalocean_database_cluster.content.user}:${digitalocean_database_cluster.content.password}@${digitalocean_database_cluster.content.host}:${digitalocean_database_cluster.content.port}/?tls=true&replicaSet=rs0"
  sensitive = true
}
