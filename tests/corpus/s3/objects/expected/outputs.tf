output "settings_key" {
  value = digitalocean_spaces_bucket_object.settings.key
}

output "settings_etag" {
  value = digitalocean_spaces_bucket_object.settings.etag
}
