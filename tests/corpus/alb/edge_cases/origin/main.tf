provider "aws" {
  region = "eu-north-1"
}

variable "instance_id" {
  type = string
}

variable "existing_alb_arn" {
  type = string
}

resource "aws_lb" "gwlb" {
  name               = "inspect-${var.instance_id}"
  load_balancer_type = "gateway"
  subnets            = ["subnet-1"]
}

resource "aws_lb_listener" "gwlb" {
  load_balancer_arn = aws_lb.gwlb.arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.appliances.arn
  }
}

resource "aws_lb_target_group" "appliances" {
  name     = "appliances-${var.instance_id}"
  port     = 6081
  protocol = "GENEVE"
  vpc_id   = "vpc-1"
}

resource "aws_lb" "empty" {
  name    = "empty-${var.instance_id}"
  subnets = ["subnet-1", "subnet-2"]
}

resource "aws_lb" "portal" {
  name         = "portal-${var.instance_id}"
  subnets      = ["subnet-1", "subnet-2"]
  idle_timeout = 10
}

resource "aws_lb_target_group" "blue" {
  name     = "blue-${var.instance_id}"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-1"

  stickiness {
    type        = "app_cookie"
    cookie_name = "JSESSIONID"
  }
}

resource "aws_lb_target_group" "green" {
  name     = "green-${var.instance_id}"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-1"

  health_check {
    path = "/status"
  }
}

resource "aws_lb_target_group" "lambda" {
  name        = "fn-${var.instance_id}"
  target_type = "lambda"
}

resource "aws_lb_target_group" "unused" {
  name     = "unused-${var.instance_id}"
  port     = 9000
  protocol = "HTTP"
  vpc_id   = "vpc-1"
}

resource "aws_lb_target_group_attachment" "unused" {
  target_group_arn = aws_lb_target_group.unused.arn
  target_id        = "10.0.1.15"
  port             = 9000
}

resource "aws_lb_listener" "portal" {
  load_balancer_arn = aws_lb.portal.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type  = "authenticate-oidc"
    order = 1

    authenticate_oidc {
      authorization_endpoint = "https://idp.example.com/auth"
      client_id              = "portal"
      client_secret          = "not-a-secret"
      issuer                 = "https://idp.example.com"
      token_endpoint         = "https://idp.example.com/token"
      user_info_endpoint     = "https://idp.example.com/userinfo"
    }
  }

  default_action {
    type  = "forward"
    order = 2

    forward {
      target_group {
        arn    = aws_lb_target_group.blue.arn
        weight = 80
      }

      target_group {
        arn    = aws_lb_target_group.green.arn
        weight = 20
      }
    }
  }
}

resource "aws_lb_listener" "maintenance" {
  load_balancer_arn = aws_lb.portal.arn
  port              = 8081
  protocol          = "HTTP"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/html"
      message_body = "<h1>Down for maintenance</h1>"
      status_code  = "503"
    }
  }
}

resource "aws_lb_listener" "moved" {
  load_balancer_arn = aws_lb.portal.arn
  port              = 8080
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      host        = "new-portal.example.com"
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_302"
    }
  }
}

resource "aws_lb_listener" "green" {
  load_balancer_arn = aws_lb.portal.arn
  port              = 8082
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.green.arn
  }
}

resource "aws_lb_listener" "functions" {
  load_balancer_arn = aws_lb.portal.arn
  port              = 8083
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.lambda.arn
  }
}

resource "aws_lb_listener" "elsewhere" {
  load_balancer_arn = var.existing_alb_arn
  port              = 9090
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.unused.arn
  }
}

output "empty_lb_ip" {
  value = aws_lb.empty.dns_name
}

resource "aws_launch_template" "green" {
  name_prefix   = "green-"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.small"
}

resource "aws_autoscaling_group" "green" {
  name                = "green-${var.instance_id}"
  min_size            = 2
  max_size            = 4
  vpc_zone_identifier = ["subnet-1", "subnet-2"]
  target_group_arns   = [aws_lb_target_group.green.arn]

  launch_template {
    id      = aws_launch_template.green.id
    version = "$Latest"
  }
}
