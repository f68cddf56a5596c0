output "db_endpoint" {
  value = digitalocean_database_cluster.cloudacademy.host
}

output "cloudacademy_master_username" {
  value = digitalocean_database_cluster.cloudacademy.user
}

output "cloudacademy_master_password" {
  value     = digitalocean_database_cluster.cloudacademy.password
  sensitive = true
}
