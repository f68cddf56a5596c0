output "bucket" {
  value = "${digitalocean_spaces_bucket.data.name}/metadata"
}

output "names" {
  value = [for resource in [{ tags = { Name = "ipfs" } }] : resource.tags.Name]
}
