output "dns_name" {
  value = digitalocean_loadbalancer.app.ip
}

output "zone_id" {
  value = null
}
