provider "aws" {
  region = "eu-central-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

resource "aws_lambda_layer_version" "shared" {
  layer_name          = "shared-utils"
  filename            = "layers/shared.zip"
  compatible_runtimes = ["python3.12", "nodejs20.x"]
}

resource "aws_lambda_function" "signup" {
  function_name = "signup-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/signup"
  runtime       = "python3.12"
  handler       = "handler.main"
  filename      = "functions/signup.zip"
  memory_size   = 256
  timeout       = 10
  layers        = [aws_lambda_layer_version.shared.arn]

  environment {
    variables = {
      WELCOME_TEMPLATE = "welcome-v2"
    }
  }
}

resource "aws_lambda_function" "report" {
  function_name = "report-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/report"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "functions/report.zip"
  memory_size   = 3008
  timeout       = 300
}

resource "aws_lambda_function" "billing" {
  function_name = "billing-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/billing"
  runtime       = "java17"
  handler       = "com.example.billing.Handler::handleRequest"
  s3_bucket     = "acme-lambda-artifacts"
  s3_key        = "billing/billing-1.8.0.jar"
  memory_size   = 1024
}

resource "aws_lambda_alias" "signup_live" {
  name             = "live"
  function_name    = aws_lambda_function.signup.function_name
  function_version = "3"
}

resource "aws_lambda_function_url" "signup" {
  function_name      = aws_lambda_function.signup.function_name
  authorization_type = "NONE"
}

resource "aws_cloudwatch_event_rule" "nightly_report" {
  name                = "nightly-report-${var.instance_id}"
  schedule_expression = "cron(30 2 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly_report" {
  rule = aws_cloudwatch_event_rule.nightly_report.name
  arn  = aws_lambda_function.report.arn
}

output "signup_url" {
  value = aws_lambda_function_url.signup.function_url
}

output "report_function" {
  value = aws_lambda_function.report.function_name
}
