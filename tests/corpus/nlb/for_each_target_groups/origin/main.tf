# Target groups repeated over a map and picked by key from each listener: every forwarding rule
# gets its own group's port; the health check is the first group's, evaluated for that instance
# ("traffic-port", the protocol and path of `each.value`).
locals {
  target_groups = {
    http = {
      port              = 80
      health_check_port = "traffic-port"
      health_check_path = "/-/health"
      protocol          = "HTTP"
    }
    https = {
      port              = 443
      health_check_port = "80"
      health_check_path = "/-/health"
      protocol          = "HTTP"
    }
    ssh = {
      port              = 2222
      health_check_port = "2222"
      health_check_path = null
      protocol          = "TCP"
    }
  }
}

resource "aws_lb" "git" {
  name               = "git-${var.instance_id}"
  load_balancer_type = "network"
}

resource "aws_lb_target_group" "git" {
  for_each = local.target_groups

  name     = "git-${each.key}-${var.instance_id}"
  port     = each.value.port
  protocol = "TCP"

  health_check {
    matcher  = each.value.protocol == "HTTP" ? "200" : null
    path     = each.value.health_check_path
    port     = each.value.health_check_port
    protocol = each.value.protocol
    interval = 30
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.git.arn
  port              = 80
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.git["http"].arn
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.git.arn
  port              = 443
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.git["https"].arn
  }
}

resource "aws_lb_listener" "ssh" {
  load_balancer_arn = aws_lb.git.arn
  port              = 22
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.git["ssh"].arn
  }
}

variable "instance_id" {
  type = string
}
