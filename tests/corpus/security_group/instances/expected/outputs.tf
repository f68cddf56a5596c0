output "web_sg_id" {
  value = digitalocean_firewall.web.id
}

output "unused_sg_id" {
  value = null
}
