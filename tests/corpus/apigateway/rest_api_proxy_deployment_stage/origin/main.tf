# A REST API whose one `{proxy+}` resource sends every path to one function, staged by the
# deployment's own `stage_name` (the provider's older form); the integration names its resource
# and verb through the method, and the output is the deployment's `invoke_url` (shape of
# samjsmart/tech-test `deploy/`).
provider "aws" {
  region = "eu-west-2"
}

variable "instance_id" {
  type = string
}

variable "environment" {
  default = "prod"
}

resource "aws_lambda_function" "api" {
  filename      = "../api-lambda/artefacts/payload.zip"
  function_name = "api-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/api"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  timeout       = "900"

  environment {
    variables = {
      USER_TABLE = "users"
    }
  }
}

resource "aws_api_gateway_rest_api" "api" {
  name = "api-${var.instance_id}"
}

resource "aws_api_gateway_resource" "api_proxy" {
  rest_api_id = "${aws_api_gateway_rest_api.api.id}"
  parent_id   = "${aws_api_gateway_rest_api.api.root_resource_id}"
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_method" "api_proxy" {
  rest_api_id   = "${aws_api_gateway_rest_api.api.id}"
  resource_id   = "${aws_api_gateway_resource.api_proxy.id}"
  http_method   = "ANY"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "api_lambda" {
  rest_api_id             = "${aws_api_gateway_rest_api.api.id}"
  resource_id             = "${aws_api_gateway_method.api_proxy.resource_id}"
  http_method             = "${aws_api_gateway_method.api_proxy.http_method}"
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = "${aws_lambda_function.api.invoke_arn}"
}

resource "aws_api_gateway_deployment" "api" {
  depends_on  = [aws_api_gateway_integration.api_lambda]
  rest_api_id = "${aws_api_gateway_rest_api.api.id}"
  stage_name  = "${var.environment}"
}

resource "aws_lambda_permission" "api_gateway" {
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = "${aws_lambda_function.api.arn}"
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_deployment.api.execution_arn}/*/*"
}

output "api_url" {
  value = "${aws_api_gateway_deployment.api.invoke_url}"
}
