output "api_endpoint" {
  value = null
}
