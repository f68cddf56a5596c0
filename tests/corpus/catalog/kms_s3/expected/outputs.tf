output "kms_key_arn" {
  value = null
}

output "kms_alias" {
  value = null
}

output "bucket" {
  value = digitalocean_spaces_bucket.uploads.name
}
