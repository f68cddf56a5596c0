provider "aws" {
  region = "us-west-2"
}

resource "aws_ecs_cluster" "jobs" {
  name = "jobs-${var.instance_id}"
}

resource "aws_sqs_queue" "work" {
  name = "work-${var.instance_id}"
}

resource "aws_ecs_task_definition" "worker" {
  family                   = "jobs-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 2048
  memory                   = 4096
  container_definitions    = file("${path.module}/task-definitions/worker.json")

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "ARM64"
  }
}

resource "aws_ecs_service" "worker" {
  name            = "worker"
  cluster         = aws_ecs_cluster.jobs.id
  task_definition = aws_ecs_task_definition.worker.arn
  desired_count   = 4
  launch_type     = "FARGATE"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}

# A one-off migration task run from CI (`aws ecs run-task`), not by a service.
resource "aws_ecs_task_definition" "migrate" {
  family                   = "jobs-migrate"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions    = file("${path.module}/task-definitions/migrate.json")
}
