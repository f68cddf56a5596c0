output "assets_url" {
  value = "https://${digitalocean_spaces_bucket.assets.bucket_domain_name}"
}
