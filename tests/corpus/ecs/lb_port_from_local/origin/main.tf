# The load balancer names the container port through a local ("8080", a string) while the
# port mappings write it as a number: one container port, not two.
locals {
  service_port = "8080"
}

resource "aws_ecs_cluster" "main" {
  name = "spring"
}

resource "aws_lb" "web" {
  name               = "spring-alb"
  load_balancer_type = "application"
}

resource "aws_lb_target_group" "web" {
  name        = "spring-tg"
  port        = local.service_port
  protocol    = "HTTP"
  target_type = "ip"
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.id
  port              = local.service_port
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_ecs_task_definition" "app" {
  family                   = "spring-app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions = jsonencode([
    {
      name         = "spring-app"
      image        = "ghcr.io/example/spring-app:1.4.2"
      essential    = true
      portMappings = [{ containerPort = 8080, hostPort = 8080 }]
    }
  ])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 1
  launch_type     = "FARGATE"
  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "spring-app"
    container_port   = local.service_port
  }
}
