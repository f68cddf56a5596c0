output "private_ips" {
  value = digitalocean_droplet.app[*].ipv4_address_private
}

output "instance_ids" {
  value = digitalocean_droplet.app[*].id
}
