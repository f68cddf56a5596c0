output "bastion_ip" {
  value = digitalocean_droplet.bastion.ipv4_address
}

output "ssh_private_key" {
  value     = tls_private_key.key.private_key_pem
  sensitive = true
}
