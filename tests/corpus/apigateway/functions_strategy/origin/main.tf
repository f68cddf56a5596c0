provider "aws" {
  region = "us-west-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

resource "aws_lambda_function" "quote" {
  function_name = "quote-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/quote"
  runtime       = "python3.11"
  handler       = "quote.handler"
  filename      = "quote.zip"
}

resource "aws_apigatewayv2_api" "quote" {
  name          = "quote-${var.instance_id}"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "quote" {
  api_id           = aws_apigatewayv2_api.quote.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.quote.invoke_arn
}

resource "aws_apigatewayv2_route" "quote" {
  api_id    = aws_apigatewayv2_api.quote.id
  route_key = "POST /quote"
  target    = "integrations/${aws_apigatewayv2_integration.quote.id}"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.quote.id
  name        = "$default"
  auto_deploy = true
}
