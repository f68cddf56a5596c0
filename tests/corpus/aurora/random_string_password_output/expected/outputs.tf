output "aurora_user" {
  value = digitalocean_database_cluster.pg.user
}

output "aurora_password" {
  value     = digitalocean_database_cluster.pg.password
  sensitive = true
}
