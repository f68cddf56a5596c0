output "code_bucket" {
  value = digitalocean_spaces_bucket.code.name
}
