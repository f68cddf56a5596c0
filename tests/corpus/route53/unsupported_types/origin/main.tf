provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

resource "aws_route53_zone" "main" {
  name = "${var.instance_id}.apps.example.com"
}

resource "aws_route53_zone" "reverse" {
  name = "2.0.192.in-addr.arpa"
}

resource "aws_route53_record" "ptr" {
  zone_id = aws_route53_zone.reverse.zone_id
  name    = "10.2.0.192.in-addr.arpa"
  type    = "PTR"
  ttl     = 3600
  records = ["mail.${var.instance_id}.apps.example.com"]
}

resource "aws_route53_record" "spf" {
  zone_id = aws_route53_zone.main.zone_id
  name    = aws_route53_zone.main.name
  type    = "SPF"
  ttl     = 3600
  records = ["v=spf1 mx -all"]
}

resource "aws_route53_record" "naptr" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "sip"
  type    = "NAPTR"
  ttl     = 3600
  records = ["100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.com."]
}

resource "aws_cloudfront_distribution" "assets" {
  enabled = true
}

resource "aws_route53_record" "cdn" {
  zone_id = aws_route53_zone.main.zone_id
  name    = "cdn"
  type    = "A"

  alias {
    name                   = aws_cloudfront_distribution.assets.domain_name
    zone_id                = aws_cloudfront_distribution.assets.hosted_zone_id
    evaluate_target_health = false
  }
}

resource "aws_route53_record" "caa_bad" {
  zone_id = aws_route53_zone.main.zone_id
  name    = aws_route53_zone.main.name
  type    = "CAA"
  ttl     = 3600
  records = ["0 issuemail \"mail.example.com\"", "0 issue \"amazon.com\""]
}

resource "aws_route53_record" "external" {
  zone_id = "Z0123456789ABCDEFGHIJ"
  name    = "legacy.example.com"
  type    = "CNAME"
  ttl     = 300
  records = ["old-host.example.net"]
}

output "cdn_record" {
  value = aws_route53_record.cdn.fqdn
}
