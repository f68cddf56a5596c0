output "registry_name" {
  value = module.api.registry_name
}
