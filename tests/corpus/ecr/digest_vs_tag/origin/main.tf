provider "aws" {
  region = "us-east-1"
}

variable "api_version" {
  type    = string
  default = "4.2.0"
}

resource "aws_ecr_repository" "api" {
  name                 = "oscorp/api"
  image_tag_mutability = "MUTABLE"
  force_delete         = true
}

resource "aws_ecr_repository" "worker" {
  name = "oscorp/worker"

  encryption_configuration {
    encryption_type = "KMS"
  }
}

resource "aws_ecr_lifecycle_policy" "api" {
  repository = aws_ecr_repository.api.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      selection = {
        tagStatus   = "untagged"
        countType   = "sinceImagePushed"
        countUnit   = "days"
        countNumber = 14
      }
      action = { type = "expire" }
    }]
  })
}

resource "aws_ecr_repository_policy" "api" {
  repository = aws_ecr_repository.api.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CrossAccountPull"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::210987654321:root" }
      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    }]
  })
}

resource "aws_ecr_replication_configuration" "dr" {
  replication_configuration {
    rule {
      destination {
        region      = "us-west-2"
        registry_id = "123456789012"
      }
    }
  }
}

data "aws_ecr_repository" "base" {
  name = "oscorp/base"
}

resource "aws_ecs_cluster" "main" {
  name = "oscorp-${var.instance_id}"
}

resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 2048
  memory                   = 4096
  container_definitions = jsonencode([
    {
      name         = "api"
      image        = "${aws_ecr_repository.api.repository_url}:${var.api_version}"
      portMappings = [{ containerPort = 8080 }]
    },
    {
      name  = "worker"
      image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/oscorp/worker@sha256:9b2f6c1d0e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"
    },
    {
      name  = "base-tools"
      image = "${data.aws_ecr_repository.base.repository_url}:2024.05"
    },
    {
      name  = "cache"
      image = "redis:7.2"
    },
    {
      name  = "agent"
      image = "ghcr.io/oscorp/agent:0.9.3"
    },
  ])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = 1
}

output "api_repository_url" {
  value = aws_ecr_repository.api.repository_url
}

output "worker_registry" {
  value = aws_ecr_repository.worker.registry_id
}
