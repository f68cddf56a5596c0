provider "aws" {
  region = "us-west-2"

  default_tags {
    tags = { InstanceId = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

variable "renderer_tag" {
  type    = string
  default = "2.3.1"
}

locals {
  ecr = "123456789012.dkr.ecr.us-west-2.amazonaws.com"
}

resource "aws_lambda_function" "renderer" {
  function_name = "pdf-renderer-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/pdf-renderer"
  package_type  = "Image"
  image_uri     = "${local.ecr}/pdf-renderer:${var.renderer_tag}"
  memory_size   = 2048
  timeout       = 120

  image_config {
    entry_point       = ["/lambda-entrypoint.sh"]
    command           = ["render.handler"]
    working_directory = "/var/task"
  }

  environment {
    variables = {
      CHROMIUM_FLAGS = "--no-sandbox --single-process"
    }
  }

  vpc_config {
    subnet_ids         = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}

resource "aws_lambda_function_url" "renderer" {
  function_name      = aws_lambda_function.renderer.function_name
  authorization_type = "AWS_IAM"
  invoke_mode        = "RESPONSE_STREAM"

  cors {
    allow_origins = ["https://app.example.com"]
    allow_methods = ["POST"]
  }
}

resource "aws_lambda_function" "digest" {
  function_name = "weekly-digest-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/digest"
  package_type  = "Image"
  image_uri     = "123456789012.dkr.ecr.us-west-2.amazonaws.com/digest@sha256:4f1c2a9b8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b"
  memory_size   = 256
}

output "renderer_url" {
  value = aws_lambda_function_url.renderer.function_url
}

output "renderer_invoke_arn" {
  value = aws_lambda_function.renderer.invoke_arn
}
