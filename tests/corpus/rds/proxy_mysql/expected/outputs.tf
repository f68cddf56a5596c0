output "proxy_endpoint" {
  value = digitalocean_database_cluster.app.host
}
