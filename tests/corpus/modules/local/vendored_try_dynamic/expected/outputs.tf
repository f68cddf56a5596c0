output "bucket" {
  value = module.uploads.s3_bucket_id
}
