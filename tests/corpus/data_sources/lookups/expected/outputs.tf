output "zone_id" {
  value = data.digitalocean_domain.main.name
}

output "name_servers" {
  value = ["ns1.digitalocean.com", "ns2.digitalocean.com", "ns3.digitalocean.com"]
}

output "certificate" {
  value = data.digitalocean_certificate.wildcard.name
}

output "shared_subnets" {
  value = null
}

output "platform_endpoint" {
  value = null
}

output "deployer_role" {
  value = null
}
