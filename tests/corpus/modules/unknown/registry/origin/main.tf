module "label" {
  source  = "cloudposse/label/null"
  version = "0.25.0"

  namespace = "acme"
  name      = "app"
}

module "zones" {
  source  = "terraform-aws-modules/route53/aws//modules/zones"
  version = "~> 3.0"

  zones = {
    "acme.example" = { comment = "acme" }
  }
}

resource "aws_s3_bucket" "data" {
  bucket = module.label.id
}

output "zone_ids" {
  value = module.zones.route53_zone_zone_id
}
