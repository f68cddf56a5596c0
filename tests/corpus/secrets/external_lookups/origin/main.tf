provider "aws" {
  region = "us-east-1"
}

# Secrets owned by the platform team, looked up by name.
data "aws_secretsmanager_secret" "datadog" {
  name = "platform/datadog-api-key"
}

data "aws_secretsmanager_secret_version" "datadog" {
  secret_id = data.aws_secretsmanager_secret.datadog.id
}

data "aws_secretsmanager_secret_version" "db_master" {
  secret_id = "platform/rds-master"
}

resource "aws_db_instance" "main" {
  identifier        = "weyland-${var.instance_id}"
  engine            = "mysql"
  engine_version    = "8.0.35"
  instance_class    = "db.t3.small"
  allocated_storage = 20
  username          = "admin"
  password          = jsondecode(data.aws_secretsmanager_secret_version.db_master.secret_string)["password"]
}

resource "aws_ecs_cluster" "main" {
  name = "weyland-${var.instance_id}"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name  = "app"
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/weyland/app:11"
    secrets = [
      { name = "DD_API_KEY", valueFrom = data.aws_secretsmanager_secret.datadog.arn },
      { name = "LICENSE_KEY", valueFrom = "arn:aws:secretsmanager:us-east-1:999999999999:secret:vendor/license-AbCdEf" },
      { name = "SENTRY_DSN", valueFrom = "arn:aws:ssm:us-east-1:999999999999:parameter/vendor/sentry-dsn" },
    ]
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 1
}
