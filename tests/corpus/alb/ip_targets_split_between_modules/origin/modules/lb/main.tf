resource "aws_lb" "this" {
  name               = "road-vision-alb"
  load_balancer_type = "application"
}

resource "aws_lb_target_group" "mqtt_tg" {
  name        = "mqtt-tg"
  port        = 1883
  protocol    = "HTTP"
  target_type = "ip"
}

resource "aws_lb_target_group" "redis_tg" {
  name        = "redis-tg"
  port        = 6379
  protocol    = "HTTP"
  target_type = "ip"
}

resource "aws_lb_listener" "mqtt" {
  load_balancer_arn = aws_lb.this.arn
  port              = 1883
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.mqtt_tg.arn
  }
}

resource "aws_lb_listener" "redis" {
  load_balancer_arn = aws_lb.this.arn
  port              = 6379
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.redis_tg.arn
  }
}

output "alb_dns_name" {
  value = aws_lb.this.dns_name
}

output "mqtt_tg_arn" {
  value = aws_lb_target_group.mqtt_tg.arn
}

output "redis_tg_arn" {
  value = aws_lb_target_group.redis_tg.arn
}
