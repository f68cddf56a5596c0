provider "aws" {
  region = "ca-central-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

resource "aws_lambda_function" "webhook" {
  function_name = "webhook-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/webhook"
  runtime       = "python3.12"
  handler       = "webhook.receive"
  s3_bucket     = "vendor-artifacts"
  s3_key        = "webhook/1.2.0/webhook.zip"
}

# Quick create: the API's own target is a $default route to the function.
resource "aws_apigatewayv2_api" "webhook" {
  name          = "webhook-${var.instance_id}"
  protocol_type = "HTTP"
  target        = aws_lambda_function.webhook.arn
}

resource "aws_lambda_function" "reports" {
  function_name = "reports-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/reports"
  runtime       = "python3.12"
  handler       = "reports.handler"
  s3_bucket     = "vendor-artifacts"
  s3_key        = "reports/3.0.1/reports.zip"
}

resource "aws_apigatewayv2_api" "reports" {
  name          = "reports-${var.instance_id}"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "reports" {
  api_id           = aws_apigatewayv2_api.reports.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.reports.invoke_arn
}

resource "aws_apigatewayv2_route" "reports" {
  api_id    = aws_apigatewayv2_api.reports.id
  route_key = "ANY /reports/{proxy+}"
  target    = "integrations/${aws_apigatewayv2_integration.reports.id}"
}

resource "aws_apigatewayv2_stage" "v1" {
  api_id      = aws_apigatewayv2_api.reports.id
  name        = "v1"
  auto_deploy = true
}

resource "aws_apigatewayv2_deployment" "reports" {
  api_id      = aws_apigatewayv2_api.reports.id
  description = "reports API"

  triggers = {
    redeployment = sha1(jsonencode([aws_apigatewayv2_route.reports.id]))
  }
}

output "webhook_endpoint" {
  value = aws_apigatewayv2_api.webhook.api_endpoint
}

output "reports_url" {
  value = aws_apigatewayv2_stage.v1.invoke_url
}
