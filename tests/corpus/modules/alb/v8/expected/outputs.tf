output "api_dns" {
  value = digitalocean_loadbalancer.alb.ip
}
