output "logs_bucket" {
  value = digitalocean_spaces_bucket.logs.name
}
