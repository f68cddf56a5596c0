variable "environment" {
  type = string
}

variable "enable_https" {
  type    = bool
  default = false
}

variable "alt_port" {
  type    = bool
  default = false
}

variable "certificate_arn" {
  type    = string
  default = ""
}

resource "aws_lb" "app" {
  name               = "${var.environment}-alb"
  load_balancer_type = "application"
}

resource "aws_lb_target_group" "ecs" {
  name        = "${var.environment}-tg"
  port        = 3000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-123"

  health_check {
    path = "/health"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.app.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ecs.arn
  }
}

resource "aws_lb_listener" "alt" {
  count             = var.alt_port ? 1 : 0
  load_balancer_arn = aws_lb.app.arn
  port              = 8080
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ecs.arn
  }
}

resource "aws_lb_listener" "https" {
  count             = var.enable_https ? 1 : 0
  load_balancer_arn = aws_lb.app.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.enable_https ? var.certificate_arn : ""

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ecs.arn
  }
}

resource "aws_lb_listener_rule" "https_api" {
  count        = var.enable_https ? 1 : 0
  listener_arn = aws_lb_listener.https[0].arn
  priority     = 100

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ecs.arn
  }

  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}

output "target_group_arn" {
  value = aws_lb_target_group.ecs.arn
}

output "dns_name" {
  value = aws_lb.app.dns_name
}
