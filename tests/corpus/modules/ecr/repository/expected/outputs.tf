output "repository_url" {
  value = "registry.digitalocean.com/${var.registry_name}/ipfs-metadata"
}
