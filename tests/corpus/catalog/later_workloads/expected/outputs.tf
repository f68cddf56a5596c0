output "repository_url" {
  value = "registry.digitalocean.com/${var.registry_name}/shop/api"
}

output "api_key" {
  value     = var.ssm_shop_api_key
  sensitive = true
}
