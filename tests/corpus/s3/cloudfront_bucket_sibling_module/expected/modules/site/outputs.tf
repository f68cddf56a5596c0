output "bucket_regional_domain_name" {
  value = digitalocean_spaces_bucket.site.bucket_domain_name
}
