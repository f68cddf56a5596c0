provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

variable "stripe_api_key" {
  type      = string
  sensitive = true
}

data "archive_file" "payments" {
  type        = "zip"
  source_dir  = "${path.module}/functions/payments"
  output_path = "${path.module}/build/payments.zip"
}

resource "aws_lambda_function" "payments" {
  function_name    = "payments-${var.instance_id}"
  role             = "arn:aws:iam::123456789012:role/payments"
  runtime          = "python3.12"
  handler          = "handler.charge"
  filename         = data.archive_file.payments.output_path
  source_code_hash = data.archive_file.payments.output_base64sha256

  environment {
    variables = {
      STRIPE_API_KEY   = var.stripe_api_key
      DEFAULT_CURRENCY = "eur"
    }
  }
}
