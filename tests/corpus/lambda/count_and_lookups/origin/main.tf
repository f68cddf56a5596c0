provider "aws" {
  region = "ap-south-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

variable "worker_count" {
  type    = number
  default = 3
}

variable "worker_env" {
  type = map(string)
  default = {
    QUEUE_PREFIX = "jobs"
    LOG_FORMAT   = "json"
  }
}

data "aws_lambda_function" "auth" {
  function_name = "shared-authorizer"
}

resource "aws_lambda_function" "worker" {
  count = var.worker_count

  function_name = "worker-${count.index}-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/worker"
  runtime       = "ruby3.3"
  handler       = "worker.Handler.process"
  filename      = "dist/worker.zip"
  memory_size   = 768

  environment {
    variables = merge(var.worker_env, {
      SHARD    = count.index
      AUTH_ARN = data.aws_lambda_function.auth.arn
    })
  }
}

resource "aws_lambda_function_url" "worker" {
  count              = var.worker_count
  function_name      = aws_lambda_function.worker[count.index].function_name
  authorization_type = "NONE"
}

output "worker_urls" {
  value = aws_lambda_function_url.worker[*].function_url
}

output "worker_names" {
  value = [for w in aws_lambda_function.worker : w.function_name]
}
