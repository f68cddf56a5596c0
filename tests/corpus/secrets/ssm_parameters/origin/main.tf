provider "aws" {
  region = "eu-west-1"
}

resource "aws_ssm_parameter" "db_password" {
  name  = "/gringotts/${var.instance_id}/db/password"
  type  = "SecureString"
  value = "hunter2-change-me"
}

resource "aws_ssm_parameter" "api_url" {
  name  = "/gringotts/${var.instance_id}/api/url"
  type  = "String"
  value = "https://api.gringotts.example"
}

resource "aws_ssm_parameter" "allowed_origins" {
  name  = "/gringotts/${var.instance_id}/cors"
  type  = "StringList"
  value = join(",", ["https://gringotts.example", "https://admin.gringotts.example"])
}

data "aws_ssm_parameter" "db_password" {
  name = aws_ssm_parameter.db_password.name
}

data "aws_ssm_parameter" "shared_token" {
  name            = "/shared/vault/token"
  with_decryption = true
}

resource "aws_ecs_cluster" "main" {
  name = "gringotts-${var.instance_id}"
}

resource "aws_ecs_task_definition" "vault" {
  family                   = "vault"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions = jsonencode([{
    name  = "vault"
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/gringotts/vault:2.0"
    environment = [
      { name = "API_URL", value = aws_ssm_parameter.api_url.value },
      { name = "CORS_ORIGINS", value = aws_ssm_parameter.allowed_origins.value },
    ]
    secrets = [
      { name = "DB_PASSWORD", valueFrom = aws_ssm_parameter.db_password.arn },
      { name = "SHARED_TOKEN", valueFrom = data.aws_ssm_parameter.shared_token.arn },
    ]
  }])
}

resource "aws_ecs_service" "vault" {
  name            = "vault"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.vault.arn
  desired_count   = 2
}

output "api_url" {
  value = aws_ssm_parameter.api_url.value
}

output "db_password_check" {
  value     = data.aws_ssm_parameter.db_password.value
  sensitive = true
}
