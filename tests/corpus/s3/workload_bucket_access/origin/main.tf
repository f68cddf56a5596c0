# Containers that reach buckets of the stack with the task role (known gap #181): pods have no
# AWS role, so the workload gets a Spaces access key scoped to the buckets its environment
# names (one bucket repeated by `count`), from a Secret, and the Spaces endpoint the AWS SDKs
# read. The sidecar that brings its own keys keeps them and gets nothing.
resource "aws_ecs_cluster" "main" {
  name = "media"
}

resource "aws_s3_bucket" "uploads" {
  bucket = "media-uploads-${var.instance_id}"
}

resource "aws_s3_bucket" "thumbnails" {
  count  = 1
  bucket = "media-thumbnails-${var.instance_id}"
}

resource "aws_ecs_task_definition" "media" {
  family                   = "media"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  task_role_arn            = "arn:aws:iam::123456789012:role/media-task"
  container_definitions = jsonencode([
    {
      name  = "api"
      image = "ghcr.io/example/media-api:2.1.0"
      environment = [
        { name = "UPLOADS_BUCKET", value = aws_s3_bucket.uploads.id },
        { name = "THUMBNAILS_URL", value = "s3://${aws_s3_bucket.thumbnails[0].bucket}/" },
      ]
    },
    {
      name  = "backup"
      image = "ghcr.io/example/backup:1.0.0"
      environment = [
        { name = "TARGET", value = aws_s3_bucket.uploads.arn },
        { name = "AWS_ACCESS_KEY_ID", value = var.backup_key_id },
        { name = "AWS_SECRET_ACCESS_KEY", value = var.backup_secret },
      ]
    },
  ])
}

resource "aws_ecs_service" "media" {
  name            = "media"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.media.arn
  desired_count   = 2
  launch_type     = "FARGATE"
}

variable "backup_key_id" {
  type = string
}

variable "backup_secret" {
  type      = string
  sensitive = true
}

variable "instance_id" {
  type = string
}
