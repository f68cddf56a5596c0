provider "aws" {
  region = "eu-central-1"
}

variable "instance_id" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "public_subnet_ids" {
  type = list(string)
}

resource "aws_alb" "front" {
  name            = "front-${var.instance_id}"
  subnets         = var.public_subnet_ids
  security_groups = [aws_security_group.front.id]
}

resource "aws_security_group" "front" {
  name   = "front-${var.instance_id}"
  vpc_id = var.vpc_id

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_alb_target_group" "web" {
  name     = "web-${var.instance_id}"
  port     = 3000
  protocol = "HTTP"
  vpc_id   = var.vpc_id

  health_check {
    path = "/"
  }
}

resource "aws_alb_target_group" "api" {
  name     = "api-${var.instance_id}"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = var.vpc_id

  health_check {
    path     = "/api/health"
    interval = 10
  }
}

resource "aws_alb_listener" "http" {
  load_balancer_arn = aws_alb.front.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_alb_target_group.web.arn
  }
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_alb_listener.http.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_alb_target_group.api.arn
  }

  condition {
    path_pattern {
      values = ["/api/*", "/graphql"]
    }
  }
}

resource "aws_lb_listener_rule" "admin_host" {
  listener_arn = aws_alb_listener.http.arn
  priority     = 20

  action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "admin is closed"
      status_code  = "403"
    }
  }

  condition {
    host_header {
      values = ["admin.example.com"]
    }
  }

  condition {
    http_header {
      http_header_name = "X-Admin"
      values           = ["1"]
    }
  }
}

output "lb_address" {
  value = aws_alb.front.dns_name
}

output "api_target_group" {
  value = aws_alb_target_group.api.arn
}
