output "bucket_regional_domain_name" {
  value = "${digitalocean_spaces_bucket.site.name}.s3.amazonaws.com"
}
