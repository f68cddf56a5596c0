output "bootstrap_brokers" {
  value = "${digitalocean_database_cluster.events.host}:${digitalocean_database_cluster.events.port}"
}

output "zookeeper" {
  value = null
}

output "search_endpoint" {
  value = "https://${"${digitalocean_database_cluster.search.host}:${digitalocean_database_cluster.search.port}"}"
}

output "dashboards" {
  value = "${digitalocean_database_cluster.search.ui_host}:${digitalocean_database_cluster.search.ui_port}"
}
