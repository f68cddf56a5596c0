output "prefixed" {
  value = digitalocean_spaces_bucket.prefixed.name
}
