resource "aws_ecs_task_definition" "worker" {
  family                   = "worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"

  container_definitions = jsonencode([{
    name  = "worker"
    image = "busybox:1.36"
  }])
}

resource "aws_ecs_service" "worker" {
  name            = "worker"
  task_definition = aws_ecs_task_definition.worker.arn
  desired_count   = 1
}
