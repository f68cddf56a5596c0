output "site_domain" {
  value = digitalocean_cdn.cdn.endpoint
}
