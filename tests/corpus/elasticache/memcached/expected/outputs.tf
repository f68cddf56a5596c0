output "memcached_config_endpoint" {
  value = "${digitalocean_database_cluster.fragments.host}:${digitalocean_database_cluster.fragments.port}"
}

output "memcached_host" {
  value = digitalocean_database_cluster.fragments.host
}

output "memcached_port" {
  value = digitalocean_database_cluster.fragments.port
}
