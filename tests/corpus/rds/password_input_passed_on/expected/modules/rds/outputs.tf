output "host" {
  value = digitalocean_database_cluster.this.host
}

output "username" {
  value = digitalocean_database_cluster.this.user
}

output "password" {
  value     = digitalocean_database_cluster.this.password
  sensitive = true
}
