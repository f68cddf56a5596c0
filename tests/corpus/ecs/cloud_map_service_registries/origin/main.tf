# A Cloud Map private DNS namespace and one Cloud Map service per ECS service, read only by the
# services' `service_registries` (the ECS module of file id 58168536993 in the sweep's search
# index): dropped with notes (the workloads have Kubernetes Services), not errors.
variable "instance_id" {
  type = string
}

resource "aws_service_discovery_private_dns_namespace" "this" {
  name = "fraud.internal"
  vpc  = "vpc-123"
}

resource "aws_service_discovery_service" "this" {
  name = "api"

  dns_config {
    namespace_id = aws_service_discovery_private_dns_namespace.this.id
    dns_records {
      ttl  = 10
      type = "A"
    }
  }

  health_check_custom_config {
    failure_threshold = 1
  }
}

resource "aws_ecs_cluster" "this" {
  name = "fraud-${var.instance_id}"
}

resource "aws_ecs_task_definition" "api" {
  family                   = "fraud-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name         = "api"
      image        = "ghcr.io/acme/api:1.0"
      essential    = true
      portMappings = [{ containerPort = 8000 }]
    }
  ])
}

resource "aws_ecs_service" "api" {
  name            = "fraud-api"
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  service_registries {
    registry_arn = aws_service_discovery_service.this.arn
  }
}
