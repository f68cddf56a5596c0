output "uploads_bucket" {
  value = digitalocean_spaces_bucket.uploads.name
}

output "uploads_domain" {
  value = digitalocean_spaces_bucket.uploads.bucket_domain_name
}

output "uploads_arn" {
  value = digitalocean_spaces_bucket.uploads.urn
}
