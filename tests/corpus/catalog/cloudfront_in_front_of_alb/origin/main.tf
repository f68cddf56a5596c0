# CloudFront distributions in front of the stack's own load balancer (known gap #295; after
# deptagency/mastodon-terraform-aws-ecs `modules/mastodon/aws_cloudfront_distribution.tf`).
# `site` only caches in front of the ALB: it is left out with a warning naming what is lost
# (caching, path behaviors, error responses, the origin header, HTTPS on its alias: the load
# balancer has no HTTPS listener), the load balancer serves directly, the Route 53 aliases to
# it (A, AAAA, apex) become records of the load balancer's address and the output reads that
# address. `protected` has a WAF web ACL, which the appliance
# would lose: it stays an F302 error, and so does the alias to it.
variable "instance_id" {
  type = string
}

variable "certificate_arn" {
  type = string
}

variable "domain" {
  type    = string
  default = "example.com"
}

resource "aws_lb" "web" {
  name               = "web-${var.instance_id}"
  load_balancer_type = "application"
}

resource "aws_lb_target_group" "web" {
  name     = "web-${var.instance_id}"
  port     = 3000
  protocol = "HTTP"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_cloudfront_distribution" "site" {
  aliases         = [var.domain]
  enabled         = true
  is_ipv6_enabled = true

  origin {
    domain_name = "${aws_lb.web.dns_name}"
    origin_id   = "alb"

    custom_header {
      name  = "X-Forwarded-Scheme"
      value = "https"
    }

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "http-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  ordered_cache_behavior {
    path_pattern           = "/assets/*"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    target_origin_id       = "alb"
    viewer_protocol_policy = "allow-all"
    default_ttl            = 3600

    forwarded_values {
      query_string = false
      cookies {
        forward = "none"
      }
    }
  }

  default_cache_behavior {
    allowed_methods        = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods         = ["GET", "HEAD"]
    target_origin_id       = "alb"
    viewer_protocol_policy = "allow-all"
    default_ttl            = 0

    forwarded_values {
      query_string = true
      headers      = ["*"]
      cookies {
        forward = "all"
      }
    }
  }

  custom_error_response {
    error_code            = 404
    error_caching_min_ttl = 0
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn = var.certificate_arn
    ssl_support_method  = "sni-only"
  }
}

resource "aws_cloudfront_distribution" "protected" {
  enabled    = true
  web_acl_id = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/protected/abc"

  origin {
    domain_name = aws_lb.web.dns_name
    origin_id   = "alb"
  }

  default_cache_behavior {
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    target_origin_id       = "alb"
    viewer_protocol_policy = "allow-all"

    forwarded_values {
      query_string = true
      cookies {
        forward = "all"
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

resource "aws_route53_zone" "site" {
  name = var.domain
}

resource "aws_route53_record" "apex_a" {
  zone_id = aws_route53_zone.site.zone_id
  name    = var.domain
  type    = "A"

  alias {
    name                   = aws_cloudfront_distribution.site.domain_name
    zone_id                = aws_cloudfront_distribution.site.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "apex_aaaa" {
  zone_id = aws_route53_zone.site.zone_id
  name    = var.domain
  type    = "AAAA"

  alias {
    name                   = aws_cloudfront_distribution.site.domain_name
    zone_id                = aws_cloudfront_distribution.site.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "admin" {
  zone_id = aws_route53_zone.site.zone_id
  name    = "admin.${var.domain}"
  type    = "A"

  alias {
    name                   = aws_cloudfront_distribution.protected.domain_name
    zone_id                = aws_cloudfront_distribution.protected.hosted_zone_id
    evaluate_target_health = false
  }
}

output "site_url" {
  value = "https://${aws_cloudfront_distribution.site.domain_name}"
}
