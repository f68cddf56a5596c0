# Records of hosted zones the stack does not declare (known gap #16): by literal zone id, by a
# variable, and through a data source that looks the zone up by id. DigitalOcean DNS names
# domains, so the domain becomes the appliance input `var.dns_domain`.

variable "zone_id" {
  description = "Hosted zone of the company domain"
  type        = string
  default     = "Z0123456789ABCDEFGHIJ"
}

resource "aws_eip" "web" {
  domain = "vpc"
}

resource "aws_route53_record" "www" {
  zone_id = "Z0123456789ABCDEFGHIJ"
  name    = "www.example.com"
  type    = "A"
  ttl     = 300
  records = [aws_eip.web.public_ip]
}

resource "aws_route53_record" "api" {
  zone_id = var.zone_id
  name    = "api"
  type    = "CNAME"
  ttl     = 300
  records = ["www.example.com"]
}

data "aws_route53_zone" "company" {
  zone_id = var.zone_id
}

resource "aws_route53_record" "status" {
  zone_id = data.aws_route53_zone.company.zone_id
  name    = "status.${data.aws_route53_zone.company.name}"
  type    = "A"
  ttl     = 60
  records = [aws_eip.web.public_ip]
}

# Child modules: one with a literal zone id (it gets `dns_domain` from its caller), one whose
# zone id is a module input fed with a zone of the stack (its domain name arrives there).
module "edge" {
  source = "./modules/edge"
}

module "app" {
  source  = "./modules/app"
  zone_id = data.aws_route53_zone.company.zone_id
}
