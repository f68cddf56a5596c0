output "bucket_name" {
  value = digitalocean_spaces_bucket.assets.name
}
