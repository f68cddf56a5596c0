# aleRizzolo/terraform-examples (aws/modules/ecs/scaling.tf): one scaling target per service,
# named through a local map and `each.value`; one service in the map.
provider "aws" {
  region = "eu-south-1"
}

resource "aws_ecs_cluster" "main" {
  name = "skinner-${var.instance_id}"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "skinner"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([
    {
      name         = "app"
      image        = "nginx:1.27"
      essential    = true
      portMappings = [{ containerPort = 80 }]
    }
  ])
}

resource "aws_ecs_service" "main" {
  name            = "main_service"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 2
  launch_type     = "FARGATE"
}

locals {
  ecs_services = {
    main_service = aws_ecs_service.main.name
  }
}

resource "aws_appautoscaling_target" "ecs_scaling" {
  for_each           = local.ecs_services
  max_capacity       = 4
  min_capacity       = 1
  resource_id        = "service/${aws_ecs_cluster.main.name}/${each.value}"
  scalable_dimension = "ecs:service:DesiredCount"
  service_namespace  = "ecs"
}

resource "aws_appautoscaling_policy" "cpu" {
  for_each           = aws_appautoscaling_target.ecs_scaling
  name               = "cpu-${each.key}"
  policy_type        = "TargetTrackingScaling"
  resource_id        = each.value.resource_id
  scalable_dimension = each.value.scalable_dimension
  service_namespace  = each.value.service_namespace

  target_tracking_scaling_policy_configuration {
    target_value = 70

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

variable "instance_id" {
  type = string
}
