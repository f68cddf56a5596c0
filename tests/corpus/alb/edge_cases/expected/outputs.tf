output "empty_lb_ip" {
  value = digitalocean_loadbalancer.empty.ip
}
