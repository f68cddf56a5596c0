# deptagency/mastodon-terraform-aws-ecs (modules/mastodon/data.tf) and
# fabiottini/terraform-n8n-ecs-module (modules/ecs/main.tf): secrets handed to the containers
# as plain environment values from variables.
variable "secret_key_base" {
  type = string
}

variable "smtp_password" {
  type    = string
  default = ""
}

variable "basic_auth_password" {
  type    = string
  default = null
}

variable "vapid_public_key" {
  type = string
}

resource "aws_ecs_cluster" "main" {
  name = "mastodon"
}

resource "aws_ecs_task_definition" "web" {
  family                   = "mastodon_web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name         = "web"
      image        = "ghcr.io/mastodon/mastodon:v4.0.2"
      portMappings = [{ containerPort = 3000 }]
      environment = [
        { name = "SECRET_KEY_BASE", value = var.secret_key_base },
        { name = "SMTP_PASSWORD", value = var.smtp_password },
        { name = "N8N_BASIC_AUTH_PASSWORD", value = var.basic_auth_password },
        { name = "VAPID_PUBLIC_KEY", value = var.vapid_public_key },
        { name = "SMTP_AUTH_METHOD", value = "plain" },
        { name = "DEFAULT_PASSWORD_HINT", value = "ask the admin" },
      ]
    },
    {
      name  = "sidekiq"
      image = "ghcr.io/mastodon/mastodon:v4.0.2"
      environment = [
        { name = "SECRET_KEY_BASE", value = var.secret_key_base },
      ]
    }
  ])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 1
  launch_type     = "FARGATE"

  network_configuration {
    subnets = ["subnet-1"]
  }
}
