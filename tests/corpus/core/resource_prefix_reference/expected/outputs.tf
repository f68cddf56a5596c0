output "bucket" {
  value = "${digitalocean_spaces_bucket.data.name}/metadata"
}
