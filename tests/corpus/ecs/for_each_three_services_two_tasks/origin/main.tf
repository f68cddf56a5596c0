# Three services repeated over one map, running two task definitions repeated over another,
# each registered with its own target group (repeated over the same map) of one shared ALB.
provider "aws" {
  region = "eu-west-1"
}

variable "instance_id" {
  type = string
}

variable "task_definitions" {
  type = map(object({ image = string, cpu = number, memory = number, port = number }))
  default = {
    web = { image = "globex/web:2.1", cpu = 512, memory = 1024, port = 8080 }
    jobs = { image = "globex/jobs:2.1", cpu = 256, memory = 512, port = 9000 }
  }
}

variable "services" {
  type = map(object({ family = string, desired_count = number, path = string }))
}

resource "aws_ecs_cluster" "main" {
  name = "globex-${var.instance_id}"
}

resource "aws_ecs_task_definition" "this" {
  for_each                 = var.task_definitions
  family                   = each.key
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  container_definitions = jsonencode([{
    name         = each.key
    image        = each.value.image
    essential    = true
    portMappings = [{ containerPort = each.value.port }]
  }])
}

resource "aws_lb" "main" {
  name               = "globex-${var.instance_id}"
  load_balancer_type = "application"
  subnets            = ["subnet-a", "subnet-b"]
}

resource "aws_lb_target_group" "svc" {
  for_each    = var.services
  name        = "globex-${each.key}"
  port        = var.task_definitions[each.value.family].port
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-123"

  health_check {
    path = "/healthz"
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.svc["site"].arn
  }
}

resource "aws_lb_listener_rule" "svc" {
  for_each     = var.services
  listener_arn = aws_lb_listener.http.arn

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.svc[each.key].arn
  }

  condition {
    path_pattern {
      values = [each.value.path]
    }
  }
}

resource "aws_ecs_service" "svc" {
  for_each        = var.services
  name            = "globex-${each.key}"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.this[each.value.family].arn
  desired_count   = each.value.desired_count
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = aws_lb_target_group.svc[each.key].arn
    container_name   = each.value.family
    container_port   = var.task_definitions[each.value.family].port
  }
}

resource "aws_appautoscaling_target" "svc" {
  for_each           = var.services
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.svc[each.key].name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = each.value.desired_count
  max_capacity       = 6
}

output "site_service" {
  value = aws_ecs_service.svc["site"].name
}

resource "aws_appautoscaling_policy" "cpu" {
  for_each           = var.services
  name               = "cpu-${each.key}"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.svc[each.key].resource_id
  scalable_dimension = aws_appautoscaling_target.svc[each.key].scalable_dimension
  service_namespace  = aws_appautoscaling_target.svc[each.key].service_namespace

  target_tracking_scaling_policy_configuration {
    target_value = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
