output "api_repository_url" {
  value = "registry.digitalocean.com/${var.registry_name}/oscorp/api"
}

output "worker_registry" {
  value = var.registry_name
}
