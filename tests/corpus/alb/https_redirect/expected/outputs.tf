output "alb_dns_name" {
  description = "Public address of the shop"
  value       = digitalocean_loadbalancer.web.ip
}

output "alb_zone_id" {
  value = null
}

output "https_listener_arn" {
  value = null
}

output "url" {
  value = "https://${digitalocean_loadbalancer.web.ip}/"
}
