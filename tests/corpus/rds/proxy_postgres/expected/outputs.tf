output "proxy_endpoint" {
  value = digitalocean_database_connection_pool.this.private_host
}

output "proxy_read_only_endpoint" {
  value = digitalocean_database_connection_pool.this.private_host
}
