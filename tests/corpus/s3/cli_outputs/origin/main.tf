# A static site whose outputs print the operator's AWS CLI commands. Spaces speaks the S3 API:
# `aws s3` commands name the Spaces endpoint; the CloudFront invalidation has nothing to act
# on and is reported with the CDN flush to run instead (gap #125's shape).
provider "aws" {
  region = "eu-west-1"
}

variable "instance_id" {
  type = string
}

resource "aws_s3_bucket" "site" {
  bucket = "docs-site-${var.instance_id}"
}

resource "aws_cloudfront_distribution" "site" {
  enabled             = true
  default_root_object = "index.html"

  origin {
    domain_name = aws_s3_bucket.site.bucket_regional_domain_name
    origin_id   = "site"
  }

  default_cache_behavior {
    target_origin_id       = "site"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]

    forwarded_values {
      query_string = false
      cookies {
        forward = "none"
      }
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}

output "deploy_command" {
  value = "aws s3 sync ./public s3://${aws_s3_bucket.site.id} --delete"
}

output "invalidate_command" {
  value = "aws cloudfront create-invalidation --distribution-id ${aws_cloudfront_distribution.site.id} --paths '/*'"
}

output "release_steps" {
  value = <<-EOT
    npm run build
    aws s3 cp ./public/index.html s3://${aws_s3_bucket.site.bucket}/index.html --cache-control no-cache
  EOT
}
