# A Route53 failover pair (origin: Jai1inmillion/three-tier-multi-region main.tf, two ALBs
# in two regions). AWS answers with the PRIMARY record while its health check passes and
# with the SECONDARY one only when it fails. DigitalOcean DNS has no failover: serving both
# would round-robin live traffic to the standby, so only the PRIMARY record is kept.
variable "domain_name" {
  type    = string
  default = "shop.example.io"
}

resource "aws_route53_zone" "main" {
  name = var.domain_name
}

resource "aws_route53_record" "primary_failover" {
  zone_id        = aws_route53_zone.main.zone_id
  name           = "www.${var.domain_name}"
  type           = "A"
  ttl            = 60
  records        = ["198.51.100.20"]
  set_identifier = "primary-us-east-2"

  failover_routing_policy {
    type = "PRIMARY"
  }
}

resource "aws_route53_record" "secondary_failover" {
  zone_id        = aws_route53_zone.main.zone_id
  name           = "www.${var.domain_name}"
  type           = "A"
  ttl            = 60
  records        = ["203.0.113.30"]
  set_identifier = "secondary-us-east-1"

  failover_routing_policy {
    type = "SECONDARY"
  }
}

output "www" {
  value = aws_route53_record.primary_failover.fqdn
}

output "standby" {
  value = aws_route53_record.secondary_failover.fqdn
}
