provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

resource "aws_lambda_function" "chat" {
  function_name = "chat-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/chat"
  runtime       = "nodejs20.x"
  handler       = "chat.handler"
  filename      = "chat.zip"
}

resource "aws_apigatewayv2_api" "chat" {
  name                       = "chat-${var.instance_id}"
  protocol_type              = "WEBSOCKET"
  route_selection_expression = "$request.body.action"
}

resource "aws_apigatewayv2_integration" "chat" {
  api_id           = aws_apigatewayv2_api.chat.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.chat.invoke_arn
}

resource "aws_apigatewayv2_route" "connect" {
  api_id    = aws_apigatewayv2_api.chat.id
  route_key = "$connect"
  target    = "integrations/${aws_apigatewayv2_integration.chat.id}"
}

resource "aws_apigatewayv2_stage" "live" {
  api_id      = aws_apigatewayv2_api.chat.id
  name        = "live"
  auto_deploy = true
}
