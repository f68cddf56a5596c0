output "public_ip" {
  value = digitalocean_reserved_ip.web.ip_address
}

output "instance_private_ip" {
  value = digitalocean_droplet.web.ipv4_address_private
}

output "ami_used" {
  value = "ubuntu-22-04-x64"
}

output "instance_arn" {
  value = digitalocean_droplet.web.urn
}
