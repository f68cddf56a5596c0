output "host" {
  value = digitalocean_database_cluster.this.host
}
