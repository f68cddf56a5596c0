output "bucket_partition" {
  value = null
}

output "marker" {
  value = terraform_data.marker.output.bucket
}
