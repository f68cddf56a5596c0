output "repository_url" {
  value = null
}

output "api_key" {
  value     = null
  sensitive = true
}
