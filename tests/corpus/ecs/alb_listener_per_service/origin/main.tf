provider "aws" {
  region = "us-east-1"
}

resource "aws_ecs_cluster" "main" {
  name = "mastodon"
}

resource "aws_acm_certificate" "site" {
  domain_name       = "social.example.com"
  validation_method = "DNS"
}

resource "aws_lb" "app" {
  name               = "mastodon"
  load_balancer_type = "application"
}

resource "aws_lb_target_group" "web" {
  name        = "mastodon-web"
  port        = 3000
  protocol    = "HTTP"
  target_type = "ip"
}

resource "aws_lb_target_group" "streaming" {
  name        = "mastodon-streaming"
  port        = 4000
  protocol    = "HTTP"
  target_type = "ip"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.app.arn
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

resource "aws_lb_listener" "web" {
  load_balancer_arn = aws_lb.app.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.site.arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener" "streaming" {
  load_balancer_arn = aws_lb.app.arn
  port              = 4000
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.site.arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.streaming.arn
  }
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "512"
  memory                   = "1024"

  container_definitions = jsonencode([{
    name         = "web"
    image        = "ghcr.io/mastodon/mastodon:v4.2.0"
    command      = ["bundle", "exec", "puma", "-C", "config/puma.rb"]
    portMappings = [{ containerPort = 3000 }]
  }])
}

resource "aws_ecs_task_definition" "streaming" {
  family                   = "streaming"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"

  container_definitions = jsonencode([{
    name         = "streaming"
    image        = "ghcr.io/mastodon/mastodon-streaming:v4.2.0"
    portMappings = [{ containerPort = 4000 }]
  }])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "web"
    container_port   = 3000
  }
}

resource "aws_ecs_service" "streaming" {
  name            = "streaming"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.streaming.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.streaming.arn
    container_name   = "streaming"
    container_port   = 4000
  }
}

output "alb_dns_name" {
  value = aws_lb.app.dns_name
}
