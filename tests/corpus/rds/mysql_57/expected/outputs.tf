output "wordpress_db_host" {
  value = digitalocean_database_cluster.wordpress.host
}

output "wordpress_db_port" {
  value = digitalocean_database_cluster.wordpress.port
}

output "wordpress_db_name" {
  value = digitalocean_database_db.wordpress_db.name
}
