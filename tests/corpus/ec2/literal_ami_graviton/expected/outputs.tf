output "worker_ipv6" {
  value = [digitalocean_droplet.worker.ipv6_address]
}

output "worker_dns" {
  value = digitalocean_droplet.worker.ipv4_address
}
