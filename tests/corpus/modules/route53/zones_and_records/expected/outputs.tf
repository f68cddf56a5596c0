output "name_servers" {
  value = {
    "acme.example" = ["ns1.digitalocean.com", "ns2.digitalocean.com", "ns3.digitalocean.com"]
  }
}

output "zone_id" {
  value = digitalocean_domain.zones_acme_example.name
}
