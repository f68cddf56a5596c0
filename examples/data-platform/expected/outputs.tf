output "warehouse_endpoint" {
  value = digitalocean_database_cluster.warehouse.host
}

output "events_endpoint" {
  value = digitalocean_database_cluster.events.host
}

output "ingest_lb" {
  value = digitalocean_loadbalancer.ingest.ip
}

output "ingest_private_ips" {
  value = digitalocean_droplet.ingest[*].ipv4_address_private
}
