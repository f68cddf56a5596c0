# Listener rules that answer requests themselves in front of droplets (known gap #298): `/admin*`
# redirected away and `/internal/*` answered 404 at the load balancer. A DigitalOcean load
# balancer has no routing rules, so those requests reach the listener's targets: each rule is
# named as a lost access control (F333), not a routine lost route.
variable "instance_id" {
  type = string
}

resource "aws_lb" "front" {
  name               = "front-${var.instance_id}"
  load_balancer_type = "application"
}

resource "aws_lb_target_group" "web" {
  name     = "web-${var.instance_id}"
  port     = 8080
  protocol = "HTTP"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.front.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener_rule" "no_admin" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10

  action {
    type = "redirect"
    redirect {
      path        = "/"
      status_code = "HTTP_302"
    }
  }

  condition {
    path_pattern {
      values = ["/admin*"]
    }
  }
}

resource "aws_lb_listener_rule" "internal" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 20

  action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      status_code  = "404"
    }
  }

  condition {
    path_pattern {
      values = ["/internal/*"]
    }
  }
}
