output "seed_key" {
  value = digitalocean_spaces_bucket_object.seed.key
}
