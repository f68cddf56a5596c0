output "lb_address" {
  value = digitalocean_loadbalancer.front.ip
}

output "api_target_group" {
  value = null
}
