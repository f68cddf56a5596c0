output "dns_name" {
  value = lower(digitalocean_loadbalancer.app.ip)
}

output "zone_id" {
  value = null
}
