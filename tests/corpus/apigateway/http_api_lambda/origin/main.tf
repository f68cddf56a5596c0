provider "aws" {
  region = "eu-west-2"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

variable "cognito_issuer" {
  type    = string
  default = "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbCdEf123"
}

locals {
  prefix = "bookings-${var.instance_id}"
  functions = {
    list_bookings  = "list.handler"
    create_booking = "create.handler"
  }
}

resource "aws_lambda_function" "api" {
  for_each = local.functions

  function_name = "${local.prefix}-${replace(each.key, "_", "-")}"
  role          = "arn:aws:iam::123456789012:role/bookings-api"
  runtime       = "nodejs18.x"
  handler       = each.value
  filename      = "dist/api.zip"
  memory_size   = 512
  timeout       = 29

  environment {
    variables = {
      TABLE_PREFIX = local.prefix
    }
  }
}

resource "aws_lambda_function" "health" {
  function_name = "${local.prefix}-health"
  role          = "arn:aws:iam::123456789012:role/bookings-api"
  runtime       = "nodejs18.x"
  handler       = "health.handler"
  filename      = "dist/api.zip"
}

resource "aws_apigatewayv2_api" "http" {
  name          = "${local.prefix}-api"
  protocol_type = "HTTP"

  cors_configuration {
    allow_origins     = ["https://bookings.example.com"]
    allow_methods     = ["GET", "POST", "OPTIONS"]
    allow_headers     = ["authorization", "content-type"]
    allow_credentials = true
    max_age           = 3600
  }
}

resource "aws_apigatewayv2_authorizer" "cognito" {
  api_id           = aws_apigatewayv2_api.http.id
  name             = "cognito"
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    audience = ["bookings-web"]
    issuer   = var.cognito_issuer
  }
}

resource "aws_apigatewayv2_integration" "api" {
  for_each = aws_lambda_function.api

  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = each.value.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_integration" "health" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.health.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "list" {
  api_id             = aws_apigatewayv2_api.http.id
  route_key          = "GET /bookings"
  target             = "integrations/${aws_apigatewayv2_integration.api["list_bookings"].id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.cognito.id
}

resource "aws_apigatewayv2_route" "create" {
  api_id             = aws_apigatewayv2_api.http.id
  route_key          = "POST /bookings/{venue}"
  target             = "integrations/${aws_apigatewayv2_integration.api["create_booking"].id}"
  authorization_type = "JWT"
  authorizer_id      = aws_apigatewayv2_authorizer.cognito.id
}

resource "aws_apigatewayv2_route" "health" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "GET /health"
  target    = "integrations/${aws_apigatewayv2_integration.health.id}"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.http.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_rate_limit  = 50
    throttling_burst_limit = 200
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api.arn
    format          = jsonencode({ requestId = "$context.requestId", status = "$context.status" })
  }
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/apigateway/${local.prefix}"
  retention_in_days = 30
}

resource "aws_lambda_permission" "api" {
  for_each = aws_lambda_function.api

  statement_id  = "AllowApiGateway"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.http.execution_arn}/*/*"
}

output "api_url" {
  value = aws_apigatewayv2_api.http.api_endpoint
}

output "stage_url" {
  value = aws_apigatewayv2_stage.default.invoke_url
}
