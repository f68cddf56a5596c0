# Image URIs built from the account id of `data.aws_caller_identity` (known gap #9): the ECR
# registry part is known only at apply time on AWS, but its shape says it is ECR, so the images
# move to the appliance's registry like literal ECR URIs. An image whose registry Ferry cannot
# tell gets F372, for ECS and Lambda alike.
provider "aws" {
  region = "eu-west-1"
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "image_tag" {
  type = string
}

variable "worker_image" {
  type = string
}

data "aws_caller_identity" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  registry   = "${local.account_id}.dkr.ecr.${var.region}.amazonaws.com"
}

resource "aws_ecs_cluster" "main" {
  name = "main"
}

resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions = jsonencode([
    {
      name         = "api"
      image        = "${data.aws_caller_identity.current.account_id}.dkr.ecr.${var.region}.amazonaws.com/api:${var.image_tag}"
      portMappings = [{ containerPort = 8080 }]
    },
    {
      name  = "worker"
      image = var.worker_image
    },
    {
      name  = "metrics"
      image = "${local.registry}/metrics-agent:3.1"
    },
  ])
}

resource "aws_ecs_service" "api" {
  name            = "api"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.api.arn
  desired_count   = 2
  launch_type     = "FARGATE"
}

resource "aws_lambda_function" "thumbnails" {
  function_name = "thumbnails"
  role          = "arn:aws:iam::123456789012:role/thumbnails"
  package_type  = "Image"
  image_uri     = "${local.account_id}.dkr.ecr.${data.aws_region.current.name}.amazonaws.com/thumbnails:1.4.0"
}

resource "aws_lambda_function" "reports" {
  function_name = "reports"
  role          = "arn:aws:iam::123456789012:role/reports"
  package_type  = "Image"
  image_uri     = var.worker_image
}

data "aws_region" "current" {}
