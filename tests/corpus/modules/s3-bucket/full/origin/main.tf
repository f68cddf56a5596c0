provider "aws" {
  region = "us-east-1"
}

locals {
  name = "acme-uploads-${var.instance_id}"
}

module "uploads" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "~> 4.1"

  bucket        = local.name
  force_destroy = true

  versioning = {
    enabled = true
  }

  server_side_encryption_configuration = {
    rule = {
      apply_server_side_encryption_by_default = {
        sse_algorithm = "AES256"
      }
    }
  }

  cors_rule = [
    {
      allowed_methods = ["PUT", "POST"]
      allowed_origins = ["https://app.example.com"]
      allowed_headers = ["*"]
      expose_headers  = ["ETag"]
      max_age_seconds = 3000
    },
  ]

  lifecycle_rule = [
    {
      id      = "expire-tmp"
      enabled = true
      filter = {
        prefix = "tmp/"
      }
      expiration = {
        days = 7
      }
    },
    {
      id      = "archive"
      enabled = true
      transition = [
        {
          days          = 30
          storage_class = "ONEZONE_IA"
        },
      ]
      noncurrent_version_expiration = {
        noncurrent_days = 90
      }
    },
  ]

  attach_policy = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PublicReadAvatars"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::${local.name}/avatars/*"
    }]
  })
  block_public_policy     = false
  restrict_public_buckets = false

  attach_deny_insecure_transport_policy = true
  control_object_ownership              = true
  object_ownership                      = "BucketOwnerEnforced"

  tags = {
    Service = "uploads"
  }
}

module "welcome" {
  source = "terraform-aws-modules/s3-bucket/aws//modules/object"

  bucket       = module.uploads.s3_bucket_id
  key          = "welcome.txt"
  content      = "Welcome to the appliance."
  content_type = "text/plain"
}

output "uploads_bucket" {
  value = module.uploads.s3_bucket_id
}

output "uploads_arn" {
  value = module.uploads.s3_bucket_arn
}

output "uploads_domain" {
  value = module.uploads.s3_bucket_bucket_regional_domain_name
}

output "welcome_etag" {
  value = module.welcome.s3_object_etag
}
