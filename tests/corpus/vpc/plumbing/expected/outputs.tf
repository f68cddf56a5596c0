output "endpoint_id" {
  value = digitalocean_vpc.main.id
}

output "dhcp_options_id" {
  value = digitalocean_vpc.main.id
}

output "default_sg" {
  value = null
}
