output "cdn_domain" {
  value = digitalocean_cdn.assets.endpoint
}

output "cdn_zone" {
  value = null
}

output "api_domain" {
  value = null
}
