# Workloads that read a cache's host in separate host / port settings (known gap #296; after
# deptagency/mastodon-terraform-aws-ecs `modules/mastodon/data.tf` and
# fabiottini/terraform-n8n-ecs-module `modules/ecs/main.tf`). DigitalOcean Valkey takes TLS
# connections with the `default` user's password only: the container gets `REDIS_PASSWORD` and
# the function `QUEUE_BULL_REDIS_PASSWORD` from the cluster's Secret by `secretKeyRef`, and each
# a warning that TLS must be on (naming the function's own `QUEUE_BULL_REDIS_TLS`). The worker
# sets its own `REDIS_PASSWORD`, which is kept (with a warning that it must be the cluster's);
# the port settings, also the function's literal `"6379"`, read the cluster's port.
variable "instance_id" {
  type = string
}

variable "redis_password" {
  type      = string
  sensitive = true
}

resource "aws_elasticache_cluster" "mastodon" {
  cluster_id      = "mastodon"
  engine          = "redis"
  node_type       = "cache.t3.micro"
  num_cache_nodes = 1
}

locals {
  redis_host = "${aws_elasticache_cluster.mastodon.cache_nodes.0.address}"
  redis_port = "${aws_elasticache_cluster.mastodon.cache_nodes.0.port}"
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
        { name = "REDIS_HOST", value = local.redis_host },
        { name = "REDIS_PORT", value = tostring(local.redis_port) },
      ]
    },
    {
      name  = "worker"
      image = "ghcr.io/mastodon/mastodon:v4.2.0"
      environment = [
        { name = "REDIS_HOST", value = aws_elasticache_cluster.mastodon.cache_nodes[0].address },
        { name = "REDIS_PORT", value = "6379" },
        { name = "REDIS_PASSWORD", value = var.redis_password },
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
      QUEUE_BULL_REDIS_HOST = aws_elasticache_cluster.mastodon.cache_nodes[0].address
      QUEUE_BULL_REDIS_PORT = "6379"
      QUEUE_BULL_REDIS_TLS  = "false"
    }
  }
}
