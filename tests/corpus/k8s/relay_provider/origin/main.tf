provider "aws" {
  region = "eu-west-1"
}

resource "aws_ecs_cluster" "main" {
  name = "animus-${var.instance_id}"
}

resource "aws_ecs_task_definition" "animus" {
  family                   = "animus"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name         = "animus"
    image        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/animus:1.0"
    portMappings = [{ containerPort = 7000 }]
  }])
}

resource "aws_ecs_service" "animus" {
  name            = "animus"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.animus.arn
  desired_count   = 1
}
