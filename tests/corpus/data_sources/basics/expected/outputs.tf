output "region" {
  value = var.region
}

output "account_id" {
  value = null
}

output "bucket_arn_pattern" {
  value = "arn::s3:::shop-*"
}

output "first_az" {
  value = local.azs[0]
}

output "az_count" {
  value = length([var.region])
}
