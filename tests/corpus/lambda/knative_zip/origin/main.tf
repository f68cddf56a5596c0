terraform {
  required_providers {
    aws     = { source = "hashicorp/aws", version = "~> 5.0" }
    archive = { source = "hashicorp/archive", version = "~> 2.4" }
  }
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      "instance-id" = var.instance_id
      "managed-by"  = "terraform"
    }
  }
}

variable "instance_id" {
  type = string
}

variable "thumbnail_width" {
  type    = number
  default = 320
}

resource "aws_s3_bucket" "uploads" {
  bucket = "photos-uploads-${var.instance_id}"
}

data "archive_file" "thumbnail" {
  type        = "zip"
  source_dir  = "${path.module}/src/thumbnail"
  output_path = "${path.module}/build/thumbnail.zip"
}

resource "aws_iam_role" "thumbnail" {
  name = "thumbnail-${var.instance_id}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_lambda_function" "thumbnail" {
  function_name    = "thumbnail-${var.instance_id}"
  description      = "Resizes uploaded photos"
  role             = aws_iam_role.thumbnail.arn
  runtime          = "python3.12"
  handler          = "app.handler"
  filename         = data.archive_file.thumbnail.output_path
  source_code_hash = data.archive_file.thumbnail.output_base64sha256
  memory_size      = 1024
  timeout          = 60
  architectures    = ["arm64"]

  reserved_concurrent_executions = 20

  ephemeral_storage {
    size = 2048
  }

  environment {
    variables = {
      UPLOAD_BUCKET   = aws_s3_bucket.uploads.bucket
      THUMBNAIL_WIDTH = var.thumbnail_width
      LOG_LEVEL       = "info"
      DEBUG           = false
    }
  }

  tracing_config {
    mode = "Active"
  }
}

resource "aws_cloudwatch_log_group" "thumbnail" {
  name              = "/aws/lambda/${aws_lambda_function.thumbnail.function_name}"
  retention_in_days = 14
}

resource "aws_lambda_function_url" "thumbnail" {
  function_name      = aws_lambda_function.thumbnail.function_name
  authorization_type = "NONE"
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.thumbnail.function_name
  function_version = "$LATEST"
}

resource "aws_lambda_provisioned_concurrency_config" "live" {
  function_name                     = aws_lambda_alias.live.function_name
  qualifier                         = aws_lambda_alias.live.name
  provisioned_concurrent_executions = 2
}

resource "aws_lambda_permission" "url" {
  statement_id           = "AllowPublicUrl"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.thumbnail.function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

output "thumbnail_url" {
  value = aws_lambda_function_url.thumbnail.function_url
}

output "thumbnail_function" {
  value = aws_lambda_function.thumbnail.function_name
}

output "thumbnail_arn" {
  value = aws_lambda_function.thumbnail.arn
}
