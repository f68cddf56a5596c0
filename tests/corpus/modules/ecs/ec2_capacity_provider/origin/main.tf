# ECS on EC2 through the registry module: its `autoscaling_capacity_providers` name the Auto
# Scaling group whose instances (joined by `ECS_CLUSTER` in their user data) run the tasks.
provider "aws" {
  region = "eu-central-1"
}

locals {
  name = "ecs-nginx-app"
}

resource "aws_launch_template" "ecs" {
  name          = "ecs-nodes"
  image_id      = "ami-0a5b5c0ea66ec560d"
  instance_type = "t3.medium"
  user_data     = base64encode("#!/bin/bash\necho ECS_CLUSTER=${local.name} >> /etc/ecs/ecs.config\n")
}

resource "aws_autoscaling_group" "ecs" {
  name                  = "ecs-nodes"
  min_size              = 1
  max_size              = 4
  protect_from_scale_in = true
  availability_zones    = ["eu-central-1a"]

  launch_template {
    id      = aws_launch_template.ecs.id
    version = "$Latest"
  }
}

module "ecs" {
  source  = "terraform-aws-modules/ecs/aws"
  version = "4.1.1"

  cluster_name                          = local.name
  default_capacity_provider_use_fargate = false

  autoscaling_capacity_providers = {
    one = {
      auto_scaling_group_arn         = aws_autoscaling_group.ecs.arn
      managed_termination_protection = "ENABLED"
      managed_scaling = {
        status          = "ENABLED"
        target_capacity = 100
      }
    }
  }
}

resource "aws_ecs_task_definition" "app" {
  family       = "nginx-app"
  network_mode = "bridge"

  container_definitions = jsonencode([
    {
      name         = "nginx-app"
      image        = "nginxdemos/hello:0.4"
      cpu          = 256
      memory       = 512
      portMappings = [{ containerPort = 80 }]
    }
  ])
}

resource "aws_ecs_service" "app" {
  name            = "nginx-app"
  cluster         = module.ecs.cluster_id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 3

  capacity_provider_strategy {
    capacity_provider = "one"
    weight            = 1
  }
}
