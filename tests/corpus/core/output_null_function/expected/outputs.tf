output "issuer_url" {
  value = null
}

output "issuer_host" {
  value = null
}

output "name_servers" {
  value = ["ns1.digitalocean.com", "ns2.digitalocean.com", "ns3.digitalocean.com"]
}

output "zone" {
  value = {
    name    = digitalocean_domain.public.name
    comment = null
  }
}
