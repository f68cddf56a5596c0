resource "aws_ecs_task_definition" "admin" {
  family                   = "admin"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"

  container_definitions = jsonencode([{
    name  = "admin"
    image = "nginx:1.27"
  }])
}

resource "aws_ecs_service" "admin" {
  name            = "admin"
  task_definition = aws_ecs_task_definition.admin.arn
  desired_count   = 1
}

module "api" {
  source = "./api"
}
