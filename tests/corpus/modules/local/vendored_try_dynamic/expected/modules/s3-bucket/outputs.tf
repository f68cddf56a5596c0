output "s3_bucket_id" {
  value = try(digitalocean_spaces_bucket.this.name, "")
}
