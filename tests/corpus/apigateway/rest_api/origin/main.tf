provider "aws" {
  region = "us-east-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

variable "instance_id" {
  type = string
}

resource "aws_lambda_function" "legacy" {
  function_name = "legacy-api-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/legacy"
  runtime       = "nodejs18.x"
  handler       = "index.handler"
  filename      = "legacy.zip"
}

resource "aws_api_gateway_rest_api" "legacy" {
  name = "legacy-${var.instance_id}"
}

resource "aws_api_gateway_resource" "items" {
  rest_api_id = aws_api_gateway_rest_api.legacy.id
  parent_id   = aws_api_gateway_rest_api.legacy.root_resource_id
  path_part   = "items"
}

resource "aws_api_gateway_method" "get_items" {
  rest_api_id   = aws_api_gateway_rest_api.legacy.id
  resource_id   = aws_api_gateway_resource.items.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "get_items" {
  rest_api_id             = aws_api_gateway_rest_api.legacy.id
  resource_id             = aws_api_gateway_resource.items.id
  http_method             = aws_api_gateway_method.get_items.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.legacy.invoke_arn
}

resource "aws_api_gateway_deployment" "legacy" {
  rest_api_id = aws_api_gateway_rest_api.legacy.id
  depends_on  = [aws_api_gateway_integration.get_items]
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.legacy.id
  deployment_id = aws_api_gateway_deployment.legacy.id
  stage_name    = "prod"
}

resource "aws_lambda_permission" "apigw" {
  statement_id  = "AllowRestApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.legacy.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.legacy.execution_arn}/*/*"
}

output "invoke_url" {
  value = aws_api_gateway_stage.prod.invoke_url
}
