provider "aws" {
  region = "eu-central-1"
}

variable "instance_id" {
  type = string
}

variable "domain" {
  type = string
}

resource "aws_route53_zone" "app" {
  name = var.domain
}

resource "aws_acm_certificate" "app" {
  domain_name               = var.domain
  subject_alternative_names = ["*.${var.domain}"]
  validation_method         = "DNS"
  key_algorithm             = "EC_prime256v1"

  tags = {
    Name = "app-${var.instance_id}"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "cert_validation" {
  for_each = {
    for dvo in aws_acm_certificate.app.domain_validation_options : dvo.domain_name => {
      name   = dvo.resource_record_name
      record = dvo.resource_record_value
      type   = dvo.resource_record_type
    }
  }

  allow_overwrite = true
  name            = each.value.name
  records         = [each.value.record]
  ttl             = 60
  type            = each.value.type
  zone_id         = aws_route53_zone.app.zone_id
}

resource "aws_acm_certificate_validation" "app" {
  certificate_arn         = aws_acm_certificate.app.arn
  validation_record_fqdns = [for record in aws_route53_record.cert_validation : record.fqdn]
}

resource "aws_lb" "app" {
  name    = "app-${var.instance_id}"
  subnets = ["subnet-1", "subnet-2"]
}

resource "aws_lb_target_group" "app" {
  name     = "app-${var.instance_id}"
  port     = 443
  protocol = "HTTPS"
  vpc_id   = "vpc-1"

  health_check {
    protocol = "HTTPS"
    path     = "/ready"
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.app.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-2016-08"
  certificate_arn   = aws_acm_certificate_validation.app.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_route53_record" "app" {
  zone_id = aws_route53_zone.app.zone_id
  name    = var.domain
  type    = "A"

  alias {
    name                   = aws_lb.app.dns_name
    zone_id                = aws_lb.app.zone_id
    evaluate_target_health = true
  }
}

output "certificate_arn" {
  value = aws_acm_certificate.app.arn
}

output "validation_options" {
  value = aws_acm_certificate.app.domain_validation_options
}
