provider "aws" {
  region = "eu-west-1"
}

resource "aws_apigatewayv2_api" "http" {
  name          = "shop-api-${var.instance_id}"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins = ["https://shop.example.com"]
    allow_methods = ["GET", "POST"]
  }
}

resource "aws_apigatewayv2_integration" "backend" {
  api_id             = aws_apigatewayv2_api.http.id
  integration_type   = "HTTP_PROXY"
  integration_method = "ANY"
  integration_uri    = "https://backend.example.com/{proxy}"
}

resource "aws_apigatewayv2_route" "proxy" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "ANY /{proxy+}"
  target    = "integrations/${aws_apigatewayv2_integration.backend.id}"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.http.id
  name        = "$default"
  auto_deploy = true
}

resource "aws_api_gateway_rest_api" "legacy" {
  name = "shop-legacy-${var.instance_id}"
}

output "api_endpoint" {
  value = aws_apigatewayv2_api.http.api_endpoint
}
