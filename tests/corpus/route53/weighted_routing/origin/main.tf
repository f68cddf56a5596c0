provider "aws" {
  region = "us-east-2"
}

variable "domain" {
  type    = string
  default = "shop.example.io"
}

variable "blue_weight" {
  type    = number
  default = 90
}

resource "aws_route53_zone" "shop" {
  name = var.domain
}

resource "aws_route53_health_check" "blue" {
  fqdn              = "blue.${var.domain}"
  port              = 443
  type              = "HTTPS"
  resource_path     = "/health"
  failure_threshold = 3
  request_interval  = 30
}

resource "aws_route53_record" "blue" {
  zone_id         = aws_route53_zone.shop.zone_id
  name            = "api.${var.domain}"
  type            = "A"
  ttl             = 60
  records         = ["198.51.100.20"]
  set_identifier  = "blue"
  health_check_id = aws_route53_health_check.blue.id

  weighted_routing_policy {
    weight = var.blue_weight
  }
}

resource "aws_route53_record" "green" {
  zone_id        = aws_route53_zone.shop.zone_id
  name           = "api.${var.domain}"
  type           = "A"
  ttl            = 60
  records        = ["198.51.100.30"]
  set_identifier = "green"

  weighted_routing_policy {
    weight = 100 - var.blue_weight
  }
}

resource "aws_route53_record" "eu" {
  zone_id        = aws_route53_zone.shop.zone_id
  name           = "geo.${var.domain}"
  type           = "CNAME"
  ttl            = 300
  records        = ["eu.cdn.example.net"]
  set_identifier = "europe"

  geolocation_routing_policy {
    continent = "EU"
  }
}

output "api_fqdn" {
  value = aws_route53_record.blue.fqdn
}
