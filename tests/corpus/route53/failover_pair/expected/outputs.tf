output "www" {
  value = digitalocean_record.primary_failover.fqdn
}

output "standby" {
  value = null
}
