module "label" {
  source  = "cloudposse/label/null"
  version = "0.25.0"

  namespace = "acme"
  name      = "app"
}

module "cdn" {
  source  = "terraform-aws-modules/cloudfront/aws"
  version = "~> 3.4"

  comment = "acme assets"
}

resource "aws_s3_bucket" "data" {
  bucket = module.label.id
}

output "cdn_domain" {
  value = module.cdn.cloudfront_distribution_domain_name
}
