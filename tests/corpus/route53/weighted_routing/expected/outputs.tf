output "api_fqdn" {
  value = digitalocean_record.blue.fqdn
}
