provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

resource "aws_secretsmanager_secret" "stripe" {
  name = "payments/${var.instance_id}/stripe"
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
      STRIPE_SECRET_ID = aws_secretsmanager_secret.stripe.name
    }
  }
}
