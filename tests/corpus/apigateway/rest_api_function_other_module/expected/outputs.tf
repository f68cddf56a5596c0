output "api_url" {
  value = module.api.api_url
}
