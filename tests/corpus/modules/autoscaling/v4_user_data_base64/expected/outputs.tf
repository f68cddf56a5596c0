output "alb_hostname" {
  value = digitalocean_loadbalancer.alb.ip
}
