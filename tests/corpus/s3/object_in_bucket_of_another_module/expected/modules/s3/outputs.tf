output "bucket_name" {
  value = digitalocean_spaces_bucket.this.name
}
