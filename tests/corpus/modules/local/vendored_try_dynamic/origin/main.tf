# A bucket module vendored from terraform-aws-modules/s3-bucket (v3): the module's own source
# reads optional settings with try(), lookup-free maps and flatten(), in dynamic blocks.
provider "aws" {
  region = "eu-west-1"
}

module "uploads" {
  source = "./modules/s3-bucket"

  bucket = "acme-uploads-${var.instance_id}"

  versioning = {
    enabled = true
  }

  cors_rule = [
    {
      allowed_methods = ["PUT", "POST"]
      allowed_origins = ["https://app.example.com"]
      expose_headers  = ["ETag"]
      max_age_seconds = 3000
    },
    {
      allowed_methods = ["GET"]
      allowed_origins = ["*"]
    },
  ]

  lifecycle_rule = [
    {
      id      = "tmp"
      enabled = true
      filter = {
        prefix = "tmp/"
      }
      expiration = {
        days = 7
      }
    },
  ]
}

output "bucket" {
  value = module.uploads.s3_bucket_id
}
