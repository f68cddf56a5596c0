variable "redis_url" {
  type = string
}

resource "aws_ecs_cluster" "main" {
  name = "todo"
}

resource "aws_ecs_task_definition" "todo" {
  family                   = "todo"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name         = "todo"
      image        = "esmailelmoussel/todo-app:latest"
      portMappings = [{ containerPort = 3000 }]
      environment = [
        { name = "REDIS_URL", value = "redis://${var.redis_url}:6379" }
      ]
    }
  ])
}

resource "aws_ecs_service" "todo" {
  name            = "todo"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.todo.arn
  launch_type     = "FARGATE"
  desired_count   = 1
}
