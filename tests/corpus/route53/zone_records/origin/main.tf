provider "aws" {
  region = "eu-west-2"
}

variable "domain" {
  description = "The appliance's DNS domain"
  type        = string
  default     = "acme-app.example.com"
}

variable "mail_host" {
  type    = string
  default = "mx.mailhost.example.net"
}

resource "aws_route53_zone" "main" {
  name          = var.domain
  comment       = "Managed by Terraform"
  force_destroy = true
}

resource "aws_route53_record" "apex" {
  zone_id = aws_route53_zone.main.zone_id
  name    = var.domain
  type    = "A"
  ttl     = 300
  records = ["203.0.113.10", "203.0.113.11"]
}

resource "aws_route53_record" "apex_v6" {
  zone_id = aws_route53_zone.main.zone_id
  name    = ""
  type    = "AAAA"
  ttl     = 300
  records = ["2001:db8::10"]
}

resource "aws_route53_record" "www" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "www.${var.domain}"
  type    = "CNAME"
  ttl     = 3600
  records = [var.domain]
}

resource "aws_route53_record" "docs" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "docs"
  type    = "CNAME"
  ttl     = 3600
  records = ["acme.readthedocs.io"]
}

resource "aws_route53_record" "mx" {
  zone_id = aws_route53_zone.main.zone_id
  name    = aws_route53_zone.main.name
  type    = "MX"
  ttl     = 3600
  records = [
    "10 ${var.mail_host}.",
    "20 mx2.mailhost.example.net",
  ]
}

resource "aws_route53_record" "spf" {
  zone_id = aws_route53_zone.main.zone_id
  name    = var.domain
  type    = "TXT"
  ttl     = 3600
  records = ["v=spf1 include:_spf.mailhost.example.net ~all"]
}

resource "aws_route53_record" "dkim" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "mail._domainkey.${var.domain}"
  type    = "TXT"
  ttl     = 3600
  records = ["v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1b2c3\"\"d4e5f6IDAQAB"]
}

resource "aws_route53_record" "sip" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "_sip._tcp.${var.domain}"
  type    = "SRV"
  ttl     = 600
  records = ["10 60 5060 sip.${var.domain}."]
}

resource "aws_route53_record" "caa" {
  zone_id = aws_route53_zone.main.zone_id
  name    = var.domain
  type    = "CAA"
  ttl     = 3600
  records = [
    "0 issue \"letsencrypt.org\"",
    "0 iodef \"mailto:security@example.com\"",
  ]
}

resource "aws_route53_record" "apex_ns" {
  allow_overwrite = true
  zone_id         = aws_route53_zone.main.zone_id
  name            = var.domain
  type            = "NS"
  ttl             = 172800
  records         = aws_route53_zone.main.name_servers
}

resource "aws_route53_record" "delegate_eu" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "eu.${var.domain}"
  type    = "NS"
  ttl     = 86400
  records = ["ns-1.eu-dns.example.org", "ns-2.eu-dns.example.org"]
}

output "name_servers" {
  description = "Delegate the domain to these"
  value       = aws_route53_zone.main.name_servers
}

output "zone_id" {
  value = aws_route53_zone.main.zone_id
}

output "www_fqdn" {
  value = aws_route53_record.www.fqdn
}

output "mx_name" {
  value = aws_route53_record.mx.name
}
