provider "aws" {
  region = "us-east-1"
}

locals {
  app = "storefront"

  common_env = [
    { name = "TZ", value = "UTC" },
    { name = "OTEL_EXPORTER_OTLP_ENDPOINT", value = "http://localhost:4317" },
  ]

  containers = [
    {
      name      = "migrate"
      image     = "123456789012.dkr.ecr.us-east-1.amazonaws.com/storefront/app:5.2.0"
      essential = false
      command   = ["bin/rails", "db:migrate"]
      cpu       = 128
      memory    = 256
    },
    {
      name              = "app"
      image             = "123456789012.dkr.ecr.us-east-1.amazonaws.com/storefront/app:5.2.0"
      essential         = true
      cpu               = 768
      memoryReservation = 1024
      memory            = 1536
      user              = "1000:1000"
      portMappings      = [{ containerPort = 3000 }]
      environment       = concat(local.common_env, [{ name = "RAILS_ENV", value = "production" }])
      healthCheck = {
        command     = ["CMD-SHELL", "curl -fsS http://localhost:3000/up || exit 1"]
        interval    = 10
        timeout     = 2
        retries     = 5
        startPeriod = 45
      }
      dependsOn = [
        { containerName = "migrate", condition = "SUCCESS" },
        { containerName = "otel", condition = "START" },
      ]
      stopTimeout = 30
    },
    {
      name                   = "nginx"
      image                  = "nginx:1.27-alpine"
      essential              = true
      portMappings           = [{ containerPort = 80, name = "http" }]
      readonlyRootFilesystem = true
      dependsOn              = [{ containerName = "app", condition = "HEALTHY" }]
    },
    {
      name      = "otel"
      image     = "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0"
      essential = false
      command   = ["--config=/etc/ecs/ecs-default-config.yaml"]
      environment = local.common_env
      firelensConfiguration = { type = "fluentbit" }
    },
  ]
}

resource "aws_ecs_cluster" "main" {
  name = "${local.app}-${var.instance_id}"
}

resource "aws_ecs_task_definition" "storefront" {
  family                   = local.app
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 1024
  memory                   = 2048
  container_definitions    = jsonencode(local.containers)
  task_role_arn            = "arn:aws:iam::123456789012:role/storefront-task"

  volume {
    name = "assets"
    efs_volume_configuration {
      file_system_id = "fs-12345678"
    }
  }
}

resource "aws_ecs_service" "storefront" {
  name                   = local.app
  cluster                = aws_ecs_cluster.main.id
  task_definition        = aws_ecs_task_definition.storefront.arn
  desired_count          = 2
  enable_execute_command = true

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 150
}
