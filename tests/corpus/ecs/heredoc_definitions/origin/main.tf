provider "aws" {
  region = "eu-west-1"
}

variable "app_port" {
  type    = number
  default = 8080
}

variable "release" {
  type    = string
  default = "2024.06.1"
}

resource "aws_db_instance" "main" {
  identifier        = "billing-${var.instance_id}"
  engine            = "postgres"
  engine_version    = "15.4"
  instance_class    = "db.t3.medium"
  allocated_storage = 50
  username          = "billing"
  password          = random_password.db.result
}

resource "random_password" "db" {
  length  = 32
  special = false
}

resource "aws_ecs_cluster" "billing" {
  name = "billing-${var.instance_id}"
}

resource "aws_ecs_task_definition" "api" {
  family                   = "billing-api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "1024"
  memory                   = "2048"

  container_definitions = <<DEFINITION
[
  {
    "name": "api",
    "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/billing/api:${var.release}",
    "essential": true,
    "entryPoint": ["/app/bin/server"],
    "command": ["--port", "${var.app_port}", "--workers", "4"],
    "portMappings": [
      {
        "containerPort": ${var.app_port},
        "hostPort": ${var.app_port},
        "protocol": "tcp"
      }
    ],
    "environment": [
      { "name": "DATABASE_HOST", "value": "${aws_db_instance.main.address}" },
      { "name": "DATABASE_PORT", "value": "${aws_db_instance.main.port}" },
      { "name": "DATABASE_URL", "value": "postgres://billing@${aws_db_instance.main.endpoint}/billing" },
      { "name": "LOG_LEVEL", "value": "info" },
      { "name": "FEATURE_FLAGS", "value": "invoices,\"beta\"" }
    ],
    "logConfiguration": {
      "logDriver": "awslogs",
      "options": {
        "awslogs-group": "/ecs/billing-api",
        "awslogs-region": "eu-west-1",
        "awslogs-stream-prefix": "api"
      }
    },
    "ulimits": [{ "name": "nofile", "softLimit": 65536, "hardLimit": 65536 }]
  }
]
DEFINITION
}

resource "aws_ecs_service" "api" {
  name            = "billing-api"
  cluster         = aws_ecs_cluster.billing.arn
  task_definition = "${aws_ecs_task_definition.api.family}:${aws_ecs_task_definition.api.revision}"
  desired_count   = 2
  launch_type     = "FARGATE"

  service_registries {
    registry_arn = "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-abc"
  }

  network_configuration {
    subnets = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  }
}

output "api_service" {
  value = aws_ecs_service.api.name
}
