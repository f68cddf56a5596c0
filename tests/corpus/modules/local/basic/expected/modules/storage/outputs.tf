output "bucket_name" {
  value = digitalocean_spaces_bucket.this.name
}

output "bucket_domain" {
  value = digitalocean_spaces_bucket.this.bucket_domain_name
}
