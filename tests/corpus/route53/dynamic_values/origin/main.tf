provider "aws" {
  region = "ap-south-1"
}

variable "domain" {
  type = string
}

variable "zone_id" {
  description = "Hosted zone of the parent domain"
  type        = string
}

variable "ingress_ips" {
  type    = list(string)
  default = ["192.0.2.1", "192.0.2.2"]
}

variable "mail_exchangers" {
  type = map(object({
    priority = number
    host     = string
  }))
  default = {
    primary   = { priority = 10, host = "mx1.mail.example.net" }
    secondary = { priority = 20, host = "mx2.mail.example.net" }
  }
}

variable "txt_records" {
  type    = list(string)
  default = ["google-site-verification=abc123"]
}

data "aws_route53_zone" "app" {
  name = var.domain
}

resource "aws_route53_record" "ingress" {
  zone_id = data.aws_route53_zone.app.zone_id
  name    = "ingress.${var.domain}"
  type    = "A"
  ttl     = 120
  records = var.ingress_ips
}

resource "aws_route53_record" "mx" {
  for_each = var.mail_exchangers

  zone_id = data.aws_route53_zone.app.zone_id
  name    = var.domain
  type    = "MX"
  ttl     = 3600
  records = ["${each.value.priority} ${each.value.host}"]
}

resource "aws_route53_record" "verify" {
  count   = length(var.txt_records) > 0 ? 1 : 0
  zone_id = data.aws_route53_zone.app.zone_id
  name    = data.aws_route53_zone.app.name
  type    = "TXT"
  ttl     = 300
  records = var.txt_records
}

resource "aws_route53_record" "parent_delegation" {
  zone_id = var.zone_id
  name    = var.domain
  type    = "NS"
  ttl     = 300
  records = ["ns1.partner-dns.example", "ns2.partner-dns.example"]
}

output "ingress_fqdn" {
  value = aws_route53_record.ingress.fqdn
}

output "mx_fqdns" {
  value = [for r in aws_route53_record.mx : r.fqdn]
}
