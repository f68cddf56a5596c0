output "elb_dns" {
  value = digitalocean_loadbalancer.elb.ip
}
