# An HTTPS listener whose default action is a fixed 404 for unknown hosts, with host rules
# forwarding to the target groups (known gap #8), next to a load balancer that only answers
# with a fixed response (nothing forwards: the fixed response cannot be expressed).

resource "aws_acm_certificate" "app" {
  domain_name               = "app.example.com"
  subject_alternative_names = ["api.example.com"]
  validation_method         = "DNS"
}

resource "aws_lb" "main" {
  name    = "edge"
  subnets = ["subnet-1", "subnet-2"]
}

resource "aws_lb_target_group" "web" {
  name     = "web"
  port     = 8080
  protocol = "HTTP"
  vpc_id   = "vpc-1"

  health_check {
    path = "/healthz"
  }
}

resource "aws_lb_target_group" "api" {
  name     = "api"
  port     = 9000
  protocol = "HTTP"
  vpc_id   = "vpc-1"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.main.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.app.arn

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "not found"
      status_code  = "404"
    }
  }
}

# Listed first but evaluated second: the lowest priority wins.
resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 20

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }

  condition {
    host_header {
      values = ["api.example.com"]
    }
  }
}

resource "aws_lb_listener_rule" "web" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }

  condition {
    host_header {
      values = ["app.example.com"]
    }
  }
}

resource "aws_lb" "maintenance" {
  name    = "maintenance"
  subnets = ["subnet-1", "subnet-2"]
}

resource "aws_lb_listener" "maintenance_http" {
  load_balancer_arn = aws_lb.maintenance.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "maintenance_https" {
  load_balancer_arn = aws_lb.maintenance.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.app.arn

  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "down for maintenance"
      status_code  = "503"
    }
  }
}
