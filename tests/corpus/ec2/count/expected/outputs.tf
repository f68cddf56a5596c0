output "app_ips" {
  value = digitalocean_reserved_ip.app[*].ip_address
}

output "app_private_ips" {
  value = digitalocean_droplet.app[*].ipv4_address_private
}

output "cache_ids" {
  value = [for c in digitalocean_droplet.cache : c.id]
}
