output "bucket_names" {
  value = {for k, b in digitalocean_spaces_bucket.this : k => b.name}
}

output "media" {
  value = digitalocean_spaces_bucket.this["media"].urn
}
