output "config_key" {
  value = digitalocean_spaces_bucket_object.config.key
}
