provider "aws" {
  region = "us-east-1"
}

locals {
  parameters = {
    smtp_password = "/vendor/smtp/password"
    license       = "/vendor/license-key"
  }
}

# Parameters owned by the platform team, one lookup per entry of a map.
data "aws_ssm_parameter" "vendor" {
  for_each        = local.parameters
  name            = each.value
  with_decryption = true
}

# An unknown collection: the lookup stays one variable (with a warning).
variable "extra_parameters" {
  type = list(string)
}

data "aws_ssm_parameter" "extra" {
  count = length(var.extra_parameters)
  name  = var.extra_parameters[count.index]
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
      { name = "SMTP_PASSWORD", value = data.aws_ssm_parameter.vendor["smtp_password"].value },
      { name = "LICENSE_KEY", value = data.aws_ssm_parameter.vendor["license"].value },
    ]
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 1
}

output "vendor_values" {
  value     = { for k, p in data.aws_ssm_parameter.vendor : k => p.value }
  sensitive = true
}

output "vendor_list" {
  value     = values(data.aws_ssm_parameter.vendor)[*].value
  sensitive = true
}

output "extra_values" {
  value     = data.aws_ssm_parameter.extra[*].value
  sensitive = true
}
