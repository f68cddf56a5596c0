# A workload that sets its cache password itself from the same variable as the replication
# group's `auth_token` (known gap #328; after deptagency/mastodon-terraform-aws-ecs
# `modules/mastodon/data.tf`). DigitalOcean's Valkey cluster has its own `default` user password:
# the container's `REDIS_PASSWORD` and the function's `CACHE_AUTH` (through a local, written
# `"${…}"`) read the cluster's Kubernetes Secret by `secretKeyRef` (F342 notes say so), not the
# variable (the function's value was the cluster's password in plain text in the Service's spec).
# The container's `SMTP_PASSWORD` (another sensitive variable) stays in the workload's Secret.
# Its `REDIS_URL` holds the password inside a URL (known gap #350): the password is read into
# `FERRY_CACHE_CACHE_PASSWORD` from the cluster's Secret, listed before it, and the URL reads
# `$(FERRY_CACHE_CACHE_PASSWORD)`, which Kubernetes expands (it was in plain text in the spec).
variable "instance_id" {
  type = string
}

variable "redis_password" {
  type      = string
  sensitive = true
}

variable "smtp_password" {
  type      = string
  sensitive = true
}

locals {
  cache_password = var.redis_password
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "mastodon"
  description                = "mastodon"
  engine                     = "redis"
  node_type                  = "cache.t3.micro"
  num_cache_clusters         = 1
  transit_encryption_enabled = true
  auth_token                 = var.redis_password
}

resource "aws_ecs_cluster" "main" {
  name = "mastodon"
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([
    {
      name  = "web"
      image = "ghcr.io/mastodon/mastodon:v4.2.0"
      environment = [
        { name = "REDIS_HOST", value = aws_elasticache_replication_group.cache.primary_endpoint_address },
        { name = "REDIS_PASSWORD", value = var.redis_password },
        { name = "SMTP_PASSWORD", value = var.smtp_password },
        { name = "REDIS_URL", value = "rediss://:${var.redis_password}@${aws_elasticache_replication_group.cache.primary_endpoint_address}:6379" },
      ]
    },
  ])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 1
  launch_type     = "FARGATE"
}

resource "aws_lambda_function" "queue" {
  function_name = "queue-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/queue"
  package_type  = "Image"
  image_uri     = "ghcr.io/example/queue:1.0.0"

  environment {
    variables = {
      CACHE_AUTH = "${local.cache_password}"
    }
  }
}
