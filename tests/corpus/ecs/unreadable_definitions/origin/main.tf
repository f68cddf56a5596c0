provider "aws" {
  region = "us-east-1"
}

module "container" {
  source  = "cloudposse/ecs-container-definition/aws"
  version = "0.61.1"

  container_name  = "importer"
  container_image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/importer:1"
}

resource "aws_ecs_cluster" "main" {
  name = "imports-${var.instance_id}"
}

resource "aws_ecs_task_definition" "importer" {
  family                = "importer"
  container_definitions = module.container.json_map_encoded_list
  cpu                   = 512
  memory                = 1024
}

resource "aws_ecs_task_definition" "exporter" {
  family                = "exporter"
  container_definitions = file("${path.module}/definitions/exporter.json")
  cpu                   = 512
  memory                = 1024
}

resource "aws_ecs_service" "importer" {
  name            = "importer"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.importer.arn
  desired_count   = 1

  load_balancer {
    target_group_arn = aws_lb_target_group.importer.arn
    container_name   = "importer"
    container_port   = 8080
  }
}

resource "aws_ecs_service" "exporter" {
  name            = "exporter"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.exporter.arn
  desired_count   = 1
}

resource "aws_ecs_service" "external" {
  name            = "external"
  cluster         = aws_ecs_cluster.main.id
  task_definition = "arn:aws:ecs:us-east-1:123456789012:task-definition/external:7"
}

resource "aws_lb" "importer" {
  name    = "importer-${var.instance_id}"
  subnets = ["subnet-a"]
}

resource "aws_lb_target_group" "importer" {
  name        = "importer"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = "vpc-1"
}

resource "aws_lb_listener" "importer" {
  load_balancer_arn = aws_lb.importer.arn
  port              = 80

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.importer.arn
  }
}
