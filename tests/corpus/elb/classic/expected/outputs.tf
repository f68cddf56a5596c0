output "elb_dns_name" {
  value = digitalocean_loadbalancer.legacy.ip
}

output "elb_zone_id" {
  value = null
}
