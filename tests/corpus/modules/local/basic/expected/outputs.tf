output "files_bucket" {
  value = module.storage.bucket_name
}

output "files_domain" {
  value = module.storage.bucket_domain
}
