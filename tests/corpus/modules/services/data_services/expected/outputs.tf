output "elb_dns" {
  value = digitalocean_loadbalancer.elb.ip
}

output "kafka_brokers" {
  value = "${digitalocean_database_cluster.kafka.host}:${digitalocean_database_cluster.kafka.port}"
}

output "search_endpoint" {
  value = "${digitalocean_database_cluster.search.host}:${digitalocean_database_cluster.search.port}"
}
