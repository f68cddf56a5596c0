output "web_ids" {
  value = digitalocean_droplet.web.*.id
}
