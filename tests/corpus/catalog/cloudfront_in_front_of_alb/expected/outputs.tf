output "site_url" {
  value = "https://${digitalocean_loadbalancer.web.ip}"
}
