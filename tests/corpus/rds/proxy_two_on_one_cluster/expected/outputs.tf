output "secret_proxy_endpoint" {
  value = digitalocean_database_connection_pool.secret.host
}

output "iam_proxy_endpoint" {
  value = digitalocean_database_connection_pool.iam.host
}
