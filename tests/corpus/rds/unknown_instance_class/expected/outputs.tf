output "analytics_endpoint" {
  value = "${digitalocean_database_cluster.analytics.host}:${digitalocean_database_cluster.analytics.port}"
}

output "analytics_address" {
  value = digitalocean_database_cluster.analytics.host
}
