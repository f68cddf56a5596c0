# deptagency/mastodon-terraform-aws-ecs (modules/mastodon/data.tf, aws_s3_bucket.tf): the
# container is told its bucket with the variable that names the bucket, not the bucket.
variable "media_bucket_name" {
  type = string
}

resource "aws_s3_bucket" "media" {
  bucket = "${var.media_bucket_name}"
}

resource "aws_ecs_cluster" "main" {
  name = "mastodon"
}

locals {
  environment = [
    { name = "S3_ENABLED", value = "true" },
    { name = "S3_BUCKET", value = var.media_bucket_name },
    { name = "S3_ALIAS_HOST", value = "${var.media_bucket_name}.s3.amazonaws.com" },
  ]
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
      command      = ["bundle", "exec", "puma", "-C", "config/puma.rb"]
      portMappings = [{ containerPort = 3000 }]
      environment  = local.environment
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
