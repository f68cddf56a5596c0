output "ingress_fqdn" {
  value = digitalocean_record.ingress[0].fqdn
}

output "mx_fqdns" {
  value = [for r in digitalocean_record.mx : r.fqdn]
}
