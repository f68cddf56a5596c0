# One ALB routes by host name and path to three ECS services: an NGINX Ingress with one rule per
# host, paths in priority order, the default action as the default backend. The HTTPS listener's
# certificate cannot follow (F305), nor can the `?` pattern of the images rule (F305, rule left out).
provider "aws" {
  region = "eu-west-1"
}

variable "instance_id" {
  type = string
}

variable "certificate_arn" {
  type    = string
  default = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
}

locals {
  services = {
    web   = { port = 3000, image = "shop/web" }
    api   = { port = 8080, image = "shop/api" }
    admin = { port = 9000, image = "shop/admin" }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "shop-${var.instance_id}"
}

resource "aws_lb" "front" {
  name               = "shop-${var.instance_id}"
  load_balancer_type = "application"
  subnets            = ["subnet-a", "subnet-b"]
}

resource "aws_lb_target_group" "svc" {
  for_each    = local.services
  name        = "shop-${each.key}-${var.instance_id}"
  port        = each.value.port
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-123"

  health_check {
    path = "/healthz"
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.front.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.svc["web"].arn
  }
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 20

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.svc["api"].arn
  }

  condition {
    host_header {
      values = ["api.shop.example.com", "*.api.shop.example.com"]
    }
  }
}

resource "aws_lb_listener_rule" "admin" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.svc["admin"].arn
  }

  condition {
    host_header {
      values = ["admin.shop.example.com"]
    }
  }

  condition {
    path_pattern {
      values = ["/console/*", "/status"]
    }
  }
}

resource "aws_lb_listener_rule" "images" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 30

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.svc["api"].arn
  }

  condition {
    path_pattern {
      values = ["/img/v?/*"]
    }
  }
}

resource "aws_ecs_task_definition" "svc" {
  for_each                 = local.services
  family                   = "shop-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name         = each.key
    image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/${each.value.image}@sha256:0000000000000000000000000000000000000000000000000000000000000000"
    portMappings = [{ containerPort = each.value.port }]
  }])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.svc["web"].arn
  desired_count   = 2

  load_balancer {
    target_group_arn = aws_lb_target_group.svc["web"].arn
    container_name   = "web"
    container_port   = 3000
  }
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.svc["api"].arn
  desired_count   = 2

  load_balancer {
    target_group_arn = aws_lb_target_group.svc["api"].arn
    container_name   = "api"
    container_port   = 8080
  }
}

resource "aws_ecs_service" "admin" {
  name            = "admin"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.svc["admin"].arn
  desired_count   = 1

  load_balancer {
    target_group_arn = aws_lb_target_group.svc["admin"].arn
    container_name   = "admin"
    container_port   = 9000
  }
}

output "shop_address" {
  value = aws_lb.front.dns_name
}
