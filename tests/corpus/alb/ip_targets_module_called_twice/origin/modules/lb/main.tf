variable "container_port" {
  type = number
}

variable "subnets" {
  type    = list(string)
  default = []
}

resource "aws_lb" "app" {
  name               = "alb"
  load_balancer_type = "application"
  subnets            = var.subnets
}

resource "aws_lb_target_group" "ecs" {
  name        = "alb-ecs-target-group"
  port        = var.container_port
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

output "target_group_arn" {
  value = aws_lb_target_group.ecs.arn
}
