# After jaydenrasmussen/terraform-single-page-apps: a single-page app in an S3 bucket behind
# CloudFront, named by Route 53 alias records — `A` and `AAAA` for `app.<domain>` (below the
# apex: a CNAME to the Spaces CDN endpoint) and an `A` at the apex (no CNAME possible there).

provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

variable "domain" {
  type = string
}

resource "aws_route53_zone" "site" {
  name = var.domain
}

resource "aws_s3_bucket" "app" {
  bucket = "spa-${var.instance_id}"
}

resource "aws_acm_certificate" "app" {
  domain_name       = "app.${var.domain}"
  validation_method = "DNS"
}

resource "aws_cloudfront_distribution" "app" {
  enabled         = true
  is_ipv6_enabled = true
  aliases         = ["app.${var.domain}"]

  origin {
    domain_name = aws_s3_bucket.app.bucket_regional_domain_name
    origin_id   = "spa"
  }

  default_cache_behavior {
    target_origin_id       = "spa"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    default_ttl            = 3600

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
    acm_certificate_arn = aws_acm_certificate.app.arn
    ssl_support_method  = "sni-only"
  }
}

resource "aws_route53_record" "app_a" {
  zone_id = aws_route53_zone.site.zone_id
  name    = "app.${var.domain}"
  type    = "A"

  alias {
    name                   = aws_cloudfront_distribution.app.domain_name
    zone_id                = aws_cloudfront_distribution.app.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "app_aaaa" {
  zone_id = aws_route53_zone.site.zone_id
  name    = "app.${var.domain}"
  type    = "AAAA"

  alias {
    name                   = aws_cloudfront_distribution.app.domain_name
    zone_id                = aws_cloudfront_distribution.app.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "apex" {
  zone_id = aws_route53_zone.site.zone_id
  name    = var.domain
  type    = "A"

  alias {
    name                   = aws_cloudfront_distribution.app.domain_name
    zone_id                = aws_cloudfront_distribution.app.hosted_zone_id
    evaluate_target_health = false
  }
}
