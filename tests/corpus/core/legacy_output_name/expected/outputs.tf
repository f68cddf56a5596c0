output "Bucket_Name" {
  value = digitalocean_spaces_bucket.bucket.name
}
