provider "aws" {
  region = "us-east-1"
}

variable "ssm_api_keys" {
  type    = list(string)
  default = ["/vendor/api-key-primary", "/vendor/api-key-secondary", "/vendor/api-key-backup"]
}

# Parameters owned by the platform team, looked up by name, one per list entry.
data "aws_ssm_parameter" "api_keys" {
  count = length(var.ssm_api_keys)
  name  = var.ssm_api_keys[count.index]
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
    environment = [
      { name = "PRIMARY_KEY", value = data.aws_ssm_parameter.api_keys[0].value },
      { name = "BACKUP_KEY", value = data.aws_ssm_parameter.api_keys[2].value },
      { name = "ALL_KEYS", value = join(",", data.aws_ssm_parameter.api_keys[*].value) },
    ]
    secrets = [
      { name = "SECONDARY_KEY", valueFrom = data.aws_ssm_parameter.api_keys[1].arn },
    ]
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 1
}

output "api_key_names" {
  value = data.aws_ssm_parameter.api_keys[*].name
}

output "second_key" {
  value     = data.aws_ssm_parameter.api_keys[1].value
  sensitive = true
}

output "keys_by_index" {
  value     = [for i in range(length(var.ssm_api_keys)) : data.aws_ssm_parameter.api_keys[i].value]
  sensitive = true
}
