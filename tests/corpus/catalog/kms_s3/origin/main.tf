provider "aws" {
  region = "eu-west-1"
}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "data" {
  description             = "Encrypts the shop's uploads"
  deletion_window_in_days = 10
  enable_key_rotation     = true
}

resource "aws_kms_alias" "data" {
  name          = "alias/shop-data-${var.instance_id}"
  target_key_id = aws_kms_key.data.key_id
}

resource "aws_s3_bucket" "uploads" {
  bucket = "shop-uploads-${var.instance_id}"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_kms_key_policy" "data" {
  key_id = aws_kms_key.data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Root"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

output "kms_key_arn" {
  value = aws_kms_key.data.arn
}

output "kms_alias" {
  value = aws_kms_alias.data.name
}

output "bucket" {
  value = aws_s3_bucket.uploads.bucket
}
