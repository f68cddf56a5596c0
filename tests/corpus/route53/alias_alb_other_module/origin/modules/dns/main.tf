variable "zone_id" {
  type = string
}

variable "lb_dns" {
  type = string
}

resource "aws_route53_record" "api" {
  zone_id = var.zone_id
  name    = "api"
  type    = "CNAME"
  ttl     = 300
  records = [var.lb_dns]
}
