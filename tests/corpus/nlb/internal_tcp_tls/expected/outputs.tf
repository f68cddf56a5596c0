output "broker_endpoint" {
  value = "${digitalocean_loadbalancer.broker.ip}:5672"
}

output "broker_arn" {
  value = digitalocean_loadbalancer.broker.urn
}
