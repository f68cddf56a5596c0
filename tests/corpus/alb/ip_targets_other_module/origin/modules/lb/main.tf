resource "aws_lb" "app" {
  name               = "alb"
  load_balancer_type = "application"
  subnets            = []
}

resource "aws_lb_target_group" "ecs" {
  name        = "alb-ecs-target-group"
  port        = 3000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-123"
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
