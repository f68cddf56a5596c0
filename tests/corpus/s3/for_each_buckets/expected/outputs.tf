output "bucket_names" {
  value = {for k, b in digitalocean_spaces_bucket.this : k => b.name}
}

output "bucket_arns" {
  value = [for b in digitalocean_spaces_bucket.this : b.urn]
}

output "uploads_domain" {
  value = digitalocean_spaces_bucket.this["uploads"].bucket_domain_name
}

output "shard_names" {
  value = digitalocean_spaces_bucket.single[*].name
}
