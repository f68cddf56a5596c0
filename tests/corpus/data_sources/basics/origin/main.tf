provider "aws" {
  region = "ap-southeast-2"
}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  azs        = slice(data.aws_availability_zones.available.names, 0, 1)
}

resource "aws_s3_bucket" "logs" {
  bucket = "shop-logs-${local.account_id}-${local.region}"
}

resource "aws_s3_bucket" "reports" {
  bucket = "shop-reports-${var.instance_id}-${data.aws_region.current.name}"
}

output "region" {
  value = data.aws_region.current.name
}

output "account_id" {
  value = data.aws_caller_identity.current.account_id
}

output "bucket_arn_pattern" {
  value = "arn:${data.aws_partition.current.partition}:s3:::shop-*"
}

output "first_az" {
  value = local.azs[0]
}

output "az_count" {
  value = length(data.aws_availability_zones.available.names)
}
