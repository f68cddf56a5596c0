output "uploads_bucket" {
  value = digitalocean_spaces_bucket.uploads.name
}

output "uploads_arn" {
  value = digitalocean_spaces_bucket.uploads.urn
}

output "uploads_domain" {
  value = digitalocean_spaces_bucket.uploads.bucket_domain_name
}

output "welcome_etag" {
  value = digitalocean_spaces_bucket_object.welcome.etag
}
