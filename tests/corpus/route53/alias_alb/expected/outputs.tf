output "app_url" {
  value = "http://${digitalocean_record.app.fqdn}"
}

output "lb_dns_name" {
  value = digitalocean_loadbalancer.app.ip
}

output "zone_name_servers" {
  value = ["ns1.digitalocean.com", "ns2.digitalocean.com", "ns3.digitalocean.com"]
}
