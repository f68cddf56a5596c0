variable "instance_id" {
  type = string
}

variable "resize_invoke_arn" {
  type = string
}

variable "etl_invoke_arn" {
  type = string
}

variable "resize_route" {
  type = string
}

variable "etl_route" {
  type = string
}

resource "aws_apigatewayv2_api" "this" {
  name          = "fiscal-${var.instance_id}"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "resize" {
  api_id             = aws_apigatewayv2_api.this.id
  integration_type   = "AWS_PROXY"
  integration_method = "POST"
  integration_uri    = var.resize_invoke_arn
}

resource "aws_apigatewayv2_integration" "etl" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = var.etl_invoke_arn
  payload_format_version = "1.0"
}

resource "aws_apigatewayv2_route" "resize" {
  api_id    = aws_apigatewayv2_api.this.id
  route_key = var.resize_route
  target    = "integrations/${aws_apigatewayv2_integration.resize.id}"
}

resource "aws_apigatewayv2_route" "etl" {
  api_id    = aws_apigatewayv2_api.this.id
  route_key = var.etl_route
  target    = "integrations/${aws_apigatewayv2_integration.etl.id}"
}

resource "aws_apigatewayv2_stage" "api" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "api"
  auto_deploy = true
}

output "aws_api" {
  value = aws_apigatewayv2_api.this
}
