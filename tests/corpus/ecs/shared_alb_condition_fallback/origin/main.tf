# An ALB shared by two ECS services whose listener rule also matches an HTTP header: an Ingress
# cannot express that condition, so Ferry keeps the Service of type LoadBalancer for the default
# service and warns that the rule is lost (the behaviour before the Ingress mapping).
provider "aws" {
  region = "us-east-1"
}

locals {
  name = "portal"
  services = {
    web = { port = 3000, path = "/*", image = "portal/web" }
    api = { port = 8080, path = "/api/*", image = "portal/api" }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "${local.name}-${var.instance_id}"
}

resource "aws_lb" "main" {
  name               = "${local.name}-${var.instance_id}"
  load_balancer_type = "application"
  subnets            = ["subnet-a", "subnet-b"]
}

resource "aws_lb_target_group" "web" {
  name        = "${local.name}-web"
  port        = 3000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-123"

  stickiness {
    type            = "lb_cookie"
    cookie_duration = 3600
  }
}

resource "aws_lb_target_group" "api" {
  name        = "${local.name}-api"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-123"

  health_check {
    path     = "/api/health"
    protocol = "HTTP"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.api.arn
  }

  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }

  condition {
    http_header {
      http_header_name = "X-Api-Version"
      values           = ["2"]
    }
  }
}

resource "aws_ecs_task_definition" "svc" {
  for_each                 = local.services
  family                   = "${local.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name         = each.key
    image        = "123456789012.dkr.ecr.us-east-1.amazonaws.com/${each.value.image}:latest"
    portMappings = [{ containerPort = each.value.port }]
  }])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.svc["web"].arn
  desired_count   = 2

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
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
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 8080
  }
}

output "portal_address" {
  value = "http://${aws_lb.main.dns_name}"
}
