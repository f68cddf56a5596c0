# terraform-aws-modules/route53's zones and records submodules: the zone by its map key,
# records in it by `zone_id = module.zones.route53_zone_zone_id["…"]`, one aliasing the
# load balancer; the name servers output stays a map by zone.
variable "instance_id" {
  type = string
}

variable "domain" {
  type    = string
  default = "acme.example"
}

resource "aws_lb" "web" {
  name               = "web-${var.instance_id}"
  load_balancer_type = "application"
}

module "zones" {
  source  = "terraform-aws-modules/route53/aws//modules/zones"
  version = "~> 3.1"

  zones = {
    "acme.example" = {
      comment = "appliance zone"
    }
  }
}

module "records" {
  source  = "terraform-aws-modules/route53/aws//modules/records"
  version = "~> 3.1"

  zone_id = module.zones.route53_zone_zone_id["acme.example"]

  records = [
    {
      name = ""
      type = "A"
      alias = {
        name    = aws_lb.web.dns_name
        zone_id = aws_lb.web.zone_id
      }
    },
    {
      name    = "docs"
      type    = "CNAME"
      ttl     = 300
      records = ["acme.github.io"]
    },
  ]
}

output "name_servers" {
  value = module.zones.route53_zone_name_servers
}

output "zone_id" {
  value = module.zones.route53_zone_zone_id["acme.example"]
}
