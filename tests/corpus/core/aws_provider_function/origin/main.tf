# Terraform 1.8 provider-defined functions: `provider::aws::arn_parse` belongs to the AWS
# provider, which the deployment stack does not have; `terraform_data` is kept.
variable "instance_id" {
  type = string
}

resource "aws_s3_bucket" "uploads" {
  bucket = "uploads-${var.instance_id}"
}

locals {
  bucket_arn = provider::aws::arn_parse(aws_s3_bucket.uploads.arn)
}

resource "terraform_data" "marker" {
  input = {
    bucket = aws_s3_bucket.uploads.bucket
  }
}

output "bucket_partition" {
  value = local.bucket_arn.partition
}

output "marker" {
  value = terraform_data.marker.output.bucket
}
