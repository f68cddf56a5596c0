# A container's environment reading `sensitive = true` variables (an API key, a webhook
# secret; known gap #265, which covered functions): the values go into the workload's
# Kubernetes Secret and the Deployment reads them by `secretKeyRef`, not as text in its spec.
# A plain variable stays a plain value.
variable "instance_id" {
  type = string
}

variable "stripe_api_key" {
  type      = string
  sensitive = true
}

variable "webhook_secret" {
  type      = string
  sensitive = true
}

variable "log_level" {
  type    = string
  default = "info"
}

resource "aws_ecs_cluster" "main" {
  name = "billing"
}

resource "aws_ecs_task_definition" "billing" {
  family                   = "billing"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([
    {
      name  = "api"
      image = "ghcr.io/example/billing:1.4.2"
      environment = [
        { name = "STRIPE_API_KEY", value = var.stripe_api_key },
        { name = "WEBHOOK_SECRET", value = var.webhook_secret },
        { name = "LOG_LEVEL", value = var.log_level },
      ]
    },
    {
      name  = "worker"
      image = "ghcr.io/example/billing-worker:1.4.2"
      environment = [
        { name = "STRIPE_API_KEY", value = var.stripe_api_key },
      ]
    },
  ])
}

resource "aws_ecs_service" "billing" {
  name            = "billing"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.billing.arn
  desired_count   = 1
  launch_type     = "FARGATE"
}
