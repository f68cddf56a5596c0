output "web_check_id" {
  value = digitalocean_uptime_check.web.id
}
