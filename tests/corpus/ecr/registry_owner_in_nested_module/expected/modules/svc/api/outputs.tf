output "registry_name" {
  value = var.create_registry ? digitalocean_container_registry.appliance[0].name : var.registry_name
}
