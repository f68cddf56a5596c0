variable "cluster_id" {
  type = string
}

resource "aws_ecs_task_definition" "worker" {
  family                   = "worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "2048"
  memory                   = "8192"

  container_definitions = jsonencode([{
    name  = "worker"
    image = "busybox:1.36"
  }])
}

resource "aws_ecs_service" "worker" {
  name            = "worker"
  cluster         = var.cluster_id
  task_definition = aws_ecs_task_definition.worker.arn
  desired_count   = 3
}
