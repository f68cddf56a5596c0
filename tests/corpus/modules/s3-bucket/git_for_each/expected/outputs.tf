output "archive_bucket" {
  value = digitalocean_spaces_bucket.archive.name
}
