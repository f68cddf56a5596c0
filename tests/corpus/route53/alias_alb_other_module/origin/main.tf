# A load balancer in `modules/lb`, whose `dns_name` / `zone_id` outputs feed Route 53 records
# elsewhere: an alias record of the root, and a CNAME of `modules/dns` through a variable. The
# load balancer becomes a `digitalocean_loadbalancer` in its module, whose `dns_name` output
# carries its IP address: the records become A records reading that output. An AAAA alias
# cannot: the output carries the IPv4 address.
variable "instance_id" {
  type = string
}

module "lb" {
  source      = "./modules/lb"
  instance_id = var.instance_id
}

module "dns" {
  source  = "./modules/dns"
  zone_id = aws_route53_zone.main.zone_id
  lb_dns  = module.lb.dns_name
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

resource "aws_route53_record" "www_v6" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "www.example.com"
  type    = "AAAA"

  alias {
    name                   = module.lb.dns_name
    zone_id                = module.lb.zone_id
    evaluate_target_health = true
  }
}

output "lb_dns" {
  value = module.lb.dns_name
}
