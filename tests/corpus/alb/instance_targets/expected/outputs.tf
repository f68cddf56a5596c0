output "lb_dns_name" {
  value = digitalocean_loadbalancer.app.ip
}
