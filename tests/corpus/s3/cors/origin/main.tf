locals {
  app_origins = ["https://app.example.com", "https://admin.example.com"]
}

resource "aws_s3_bucket" "uploads" {
  bucket        = "acme-uploads"
  force_destroy = true
}

resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id

  cors_rule {
    allowed_headers = ["*"]
    allowed_methods = ["PUT", "POST"]
    allowed_origins = local.app_origins
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }

  cors_rule {
    id              = "public-read"
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}

output "uploads_bucket" {
  value = aws_s3_bucket.uploads.id
}

output "uploads_domain" {
  value = aws_s3_bucket.uploads.bucket_regional_domain_name
}

output "uploads_arn" {
  value = aws_s3_bucket.uploads.arn
}
