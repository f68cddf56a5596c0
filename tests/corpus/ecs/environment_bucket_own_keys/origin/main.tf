# deptagency/mastodon-terraform-aws-ecs (modules/mastodon/data.tf): the container reads the
# stack's bucket with an IAM user's key it is given through variables.
variable "aws_access_key_id" {
  type = string
}

variable "aws_secret_access_key" {
  type = string
}

resource "aws_s3_bucket" "media" {
  bucket = "mastodon-media"
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
        { name = "S3_BUCKET", value = "mastodon-media" },
        { name = "AWS_ACCESS_KEY_ID", value = var.aws_access_key_id },
        { name = "AWS_SECRET_ACCESS_KEY", value = var.aws_secret_access_key },
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
