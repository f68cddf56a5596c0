output "cdn_record" {
  value = null
}
