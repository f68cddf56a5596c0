provider "aws" {
  region = "eu-west-2"
}

variable "api_image" {
  description = "Full image reference of the API"
  type        = string
  default     = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/massive/api:7.0.3"
}

variable "tag" {
  type    = string
  default = "7.0.3"
}

locals {
  registry = "123456789012.dkr.ecr.eu-west-2.amazonaws.com"
}

data "aws_ssm_parameter" "ui_image" {
  name = "/massive/ui/image"
}

resource "aws_ecs_cluster" "main" {
  name = "massive-${var.instance_id}"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048
  container_definitions = jsonencode([
    { name = "api", image = var.api_image },
    { name = "jobs", image = "${local.registry}/massive/jobs:${var.tag}" },
    { name = "ui", image = data.aws_ssm_parameter.ui_image.value },
  ])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 1
}
