output "bucket" {
  value = digitalocean_spaces_bucket.this.name
}
