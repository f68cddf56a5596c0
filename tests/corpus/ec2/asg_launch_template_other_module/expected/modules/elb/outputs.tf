output "elb_id" {
  value = digitalocean_loadbalancer.elb.id
}
