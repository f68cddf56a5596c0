provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

variable "zone_name" {
  type    = string
  default = "example.com"
}

locals {
  app_host = "app-${var.instance_id}.${var.zone_name}"
}

data "aws_route53_zone" "main" {
  name         = "${var.zone_name}."
  private_zone = false
}

resource "aws_lb" "app" {
  name            = "app-${var.instance_id}"
  subnets         = ["subnet-1", "subnet-2"]
  ip_address_type = "dualstack"
}

resource "aws_lb_target_group" "app" {
  name     = "app-${var.instance_id}"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-123"
}

resource "aws_lb_listener" "app" {
  load_balancer_arn = aws_lb.app.arn
  port              = 80

  default_action {
    type = "forward"

    forward {
      target_group {
        arn = aws_lb_target_group.app.arn
      }
    }
  }
}

resource "aws_route53_record" "app" {
  zone_id = data.aws_route53_zone.main.zone_id
  name    = local.app_host
  type    = "A"

  alias {
    name                   = aws_lb.app.dns_name
    zone_id                = aws_lb.app.zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "app_v6" {
  zone_id = data.aws_route53_zone.main.zone_id
  name    = local.app_host
  type    = "AAAA"

  alias {
    name                   = aws_lb.app.dns_name
    zone_id                = aws_lb.app.zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "api" {
  zone_id = data.aws_route53_zone.main.zone_id
  name    = "api-${var.instance_id}"
  type    = "CNAME"
  ttl     = 60
  records = [aws_lb.app.dns_name]
}

resource "aws_route53_record" "status" {
  zone_id = data.aws_route53_zone.main.zone_id
  name    = "status-${var.instance_id}.${data.aws_route53_zone.main.name}"
  type    = "A"

  alias {
    name                   = aws_route53_record.app.fqdn
    zone_id                = data.aws_route53_zone.main.zone_id
    evaluate_target_health = false
  }
}

output "app_url" {
  value = "http://${aws_route53_record.app.fqdn}"
}

output "lb_dns_name" {
  value = aws_lb.app.dns_name
}

output "zone_name_servers" {
  value = data.aws_route53_zone.main.name_servers
}
