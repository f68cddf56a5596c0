# A static site: the s3-bucket module's bucket behind terraform-aws-modules/cloudfront with an
# origin access control and a custom domain: a Spaces bucket and a Spaces CDN endpoint.
variable "instance_id" {
  type = string
}

module "site_bucket" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "~> 4.0"

  bucket = "site-${var.instance_id}"
}

module "cdn" {
  source  = "terraform-aws-modules/cloudfront/aws"
  version = "~> 3.4"

  comment             = "site"
  enabled             = true
  price_class         = "PriceClass_100"
  default_root_object = "index.html"

  create_origin_access_control = true
  origin_access_control = {
    s3 = {
      description      = "site"
      origin_type      = "s3"
      signing_behavior = "always"
      signing_protocol = "sigv4"
    }
  }

  origin = {
    site = {
      domain_name           = module.site_bucket.s3_bucket_bucket_regional_domain_name
      origin_access_control = "s3"
    }
  }

  default_cache_behavior = {
    target_origin_id       = "site"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    compress               = true
  }
}

output "site_domain" {
  value = module.cdn.cloudfront_distribution_domain_name
}
