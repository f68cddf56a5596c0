provider "aws" {
  region = "us-east-2"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

variable "legacy_backend_url" {
  type    = string
  default = "https://legacy.example.com"
}

resource "aws_lambda_function" "orders_read" {
  function_name = "orders-read-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/orders"
  runtime       = "nodejs20.x"
  handler       = "read.handler"
  filename      = "build/orders.zip"
}

resource "aws_lambda_function" "orders_write" {
  function_name = "orders-write-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/orders"
  runtime       = "nodejs20.x"
  handler       = "write.handler"
  filename      = "build/orders.zip"
}

resource "aws_apigatewayv2_api" "shop" {
  name          = "shop-${var.instance_id}"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "read" {
  api_id           = aws_apigatewayv2_api.shop.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.orders_read.invoke_arn
}

resource "aws_apigatewayv2_integration" "write" {
  api_id           = aws_apigatewayv2_api.shop.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.orders_write.invoke_arn
}

resource "aws_apigatewayv2_integration" "legacy" {
  api_id             = aws_apigatewayv2_api.shop.id
  integration_type   = "HTTP_PROXY"
  integration_method = "ANY"
  integration_uri    = "${var.legacy_backend_url}/{proxy}"
}

resource "aws_apigatewayv2_route" "get_orders" {
  api_id    = aws_apigatewayv2_api.shop.id
  route_key = "GET /orders"
  target    = "integrations/${aws_apigatewayv2_integration.read.id}"
}

resource "aws_apigatewayv2_route" "post_orders" {
  api_id    = aws_apigatewayv2_api.shop.id
  route_key = "POST /orders"
  target    = "integrations/${aws_apigatewayv2_integration.write.id}"
}

resource "aws_apigatewayv2_route" "legacy" {
  api_id    = aws_apigatewayv2_api.shop.id
  route_key = "ANY /legacy/{proxy+}"
  target    = "integrations/${aws_apigatewayv2_integration.legacy.id}"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.shop.id
  name        = "$default"
  auto_deploy = true
}
