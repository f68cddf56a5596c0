output "cdn_domain" {
  value = null
}
