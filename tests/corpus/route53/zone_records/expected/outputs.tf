output "name_servers" {
  description = "Delegate the domain to these"
  value       = ["ns1.digitalocean.com", "ns2.digitalocean.com", "ns3.digitalocean.com"]
}

output "zone_id" {
  value = digitalocean_domain.main.name
}

output "www_fqdn" {
  value = digitalocean_record.www.fqdn
}

output "mx_name" {
  value = digitalocean_record.mx.fqdn
}
