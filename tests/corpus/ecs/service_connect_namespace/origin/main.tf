# LukaK/blog-resources (building-a-portable-fastapi-backend…/infra/ecs/3-ecs.tf): a Cloud Map
# HTTP namespace that only the ECS service's Service Connect uses.
variable "instance_id" {
  type = string
}

resource "aws_service_discovery_http_namespace" "this" {
  name        = "api-${var.instance_id}"
  description = "CloudMap namespace for the API"
}

resource "aws_ecs_cluster" "main" {
  name = "api-${var.instance_id}"
}

resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([
    {
      name         = "api"
      image        = "ghcr.io/acme/api:1.4.2"
      essential    = true
      portMappings = [{ name = "api", containerPort = 8080 }]
    }
  ])
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  service_connect_configuration {
    enabled   = true
    namespace = aws_service_discovery_http_namespace.this.arn

    service {
      port_name      = "api"
      discovery_name = "api"

      client_alias {
        port     = 8080
        dns_name = "api"
      }
    }
  }
}
