output "elb_dns_name" {
  value = digitalocean_loadbalancer.web.ip
}
