output "lb_dns" {
  value = digitalocean_loadbalancer.alb.ip
}

output "lb_zone" {
  value = null
}

output "target_groups" {
  value = null
}
