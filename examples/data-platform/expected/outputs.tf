output "warehouse_endpoint" {
  value = null
}

output "events_endpoint" {
  value = null
}

output "ingest_lb" {
  value = digitalocean_loadbalancer.ingest.ip
}

output "ingest_private_ips" {
  value = null
}
