provider "aws" {
  region = "us-west-2"
}

variable "environment" {
  type    = string
  default = "prod"
}

resource "aws_vpc" "core" {
  cidr_block = "10.50.0.0/16"
}

resource "aws_subnet" "private" {
  for_each   = toset(["a", "b", "c"])
  vpc_id     = aws_vpc.core.id
  cidr_block = cidrsubnet("10.50.0.0/16", 4, index(["a", "b", "c"], each.key))
}

resource "aws_lb" "broker" {
  name_prefix        = "brk-"
  load_balancer_type = "network"
  internal           = true
  subnets            = [for s in aws_subnet.private : s.id]

  enable_cross_zone_load_balancing = true

  tags = {
    Environment = var.environment
  }
}

resource "aws_lb_target_group" "amqp" {
  name              = "amqp-${var.environment}"
  port              = 5672
  protocol          = "TCP"
  vpc_id            = aws_vpc.core.id
  proxy_protocol_v2 = true

  health_check {
    protocol            = "TCP"
    interval            = 30
    healthy_threshold   = 3
    unhealthy_threshold = 3
  }

  stickiness {
    type    = "source_ip"
    enabled = true
  }
}

resource "aws_lb_target_group" "mqtt" {
  name     = "mqtt-${var.environment}"
  port     = 1883
  protocol = "TCP"
  vpc_id   = aws_vpc.core.id

  health_check {
    protocol = "TCP"
    interval = 30
  }
}

resource "aws_acm_certificate" "broker" {
  domain_name       = "broker.internal.example.com"
  validation_method = "DNS"
}

resource "aws_lb_listener" "amqp" {
  load_balancer_arn = aws_lb.broker.arn
  port              = 5672
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.amqp.arn
  }
}

resource "aws_lb_listener" "mqtts" {
  load_balancer_arn = aws_lb.broker.arn
  port              = 8883
  protocol          = "TLS"
  certificate_arn   = aws_acm_certificate.broker.arn
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-0-2021-06"
  alpn_policy       = "None"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.mqtt.arn
  }
}

output "broker_endpoint" {
  value = "${aws_lb.broker.dns_name}:5672"
}

output "broker_arn" {
  value = aws_lb.broker.arn
}
