output "sg_id" {
  value = digitalocean_firewall.app.id
}
