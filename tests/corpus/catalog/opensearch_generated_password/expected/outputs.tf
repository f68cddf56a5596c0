output "opensearch_endpoint" {
  value = "${digitalocean_database_cluster.search.host}:${digitalocean_database_cluster.search.port}"
}

output "opensearch_master_password" {
  value     = digitalocean_database_cluster.search.password
  sensitive = true
}
