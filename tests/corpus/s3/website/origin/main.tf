resource "aws_s3_bucket" "site" {
  bucket = "acme-site-${var.instance_id}"
}

resource "aws_s3_bucket_website_configuration" "site" {
  bucket = aws_s3_bucket.site.id

  index_document {
    suffix = "index.html"
  }

  error_document {
    key = "404.html"
  }
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket                  = aws_s3_bucket.site.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

output "site_endpoint" {
  value = aws_s3_bucket_website_configuration.site.website_endpoint
}

output "site_domain" {
  value = aws_s3_bucket.site.website_domain
}
