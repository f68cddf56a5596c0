output "api_dns" {
  value = null
}
