output "media_bucket" {
  value = digitalocean_spaces_bucket.media.name
}

output "media_website" {
  value = null
}
