output "bucket" {
  value = digitalocean_spaces_bucket.assets.name
}
