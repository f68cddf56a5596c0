# Fallbacks of alias_alb_other_module: chains Ferry does not follow keep today's F305.
# `module.lb.dns_name` is an expression of the load balancer's address (`lower(…)`), not the
# attribute itself; `module.lbs[0].dns_name` reads a module called with `count`.
variable "instance_id" {
  type = string
}

module "lb" {
  source      = "./modules/lb"
  instance_id = var.instance_id
}

module "lbs" {
  source      = "./modules/lb"
  count       = 1
  instance_id = "${var.instance_id}-b"
}

resource "aws_route53_zone" "main" {
  name = "example.com"
}

resource "aws_route53_record" "www" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "www.example.com"
  type    = "A"

  alias {
    name                   = module.lb.dns_name
    zone_id                = module.lb.zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "b" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "b.example.com"
  type    = "A"

  alias {
    name                   = module.lbs[0].dns_name
    zone_id                = module.lbs[0].zone_id
    evaluate_target_health = true
  }
}
