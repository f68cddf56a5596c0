variable "ecs_cluster_id" {
  type = string
}

variable "redis_tg_arn" {
  type = string
}

resource "aws_ecs_task_definition" "redis" {
  family                   = "redis"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"

  container_definitions = jsonencode([{
    name         = "redis"
    image        = "redis:latest"
    portMappings = [{ containerPort = 6379 }]
  }])
}

resource "aws_ecs_service" "redis" {
  name            = "redis"
  cluster         = var.ecs_cluster_id
  task_definition = aws_ecs_task_definition.redis.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  load_balancer {
    target_group_arn = var.redis_tg_arn
    container_name   = "redis"
    container_port   = 6379
  }
}
