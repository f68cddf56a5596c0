output "site_endpoint" {
  value = null
}

output "site_domain" {
  value = null
}
