# A REST API over a resource tree (`/certificates`, `/certificates/{certificateId}`) to two
# functions, one method behind a Cognito authorizer, CORS preflights answered by OPTIONS mocks,
# a stage with access logs (shape of beingbiplov/Digital-Certificate-Verification-System).
provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  type = string
}

resource "aws_lambda_function" "presign" {
  function_name = "presign-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/certs"
  runtime       = "python3.11"
  handler       = "handler.lambda_handler"
  filename      = "presign.zip"
}

resource "aws_lambda_function" "get_certificate" {
  function_name = "get-certificate-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/certs"
  runtime       = "python3.11"
  handler       = "handler.lambda_handler"
  filename      = "get.zip"
  memory_size   = 256

  environment {
    variables = {
      CERTIFICATE_TABLE = "certificates"
    }
  }
}

resource "aws_cognito_user_pool" "users" {
  name = "users-${var.instance_id}"
}

resource "aws_api_gateway_rest_api" "certs" {
  name = "certs-${var.instance_id}"
}

resource "aws_api_gateway_resource" "certificates" {
  rest_api_id = aws_api_gateway_rest_api.certs.id
  parent_id   = aws_api_gateway_rest_api.certs.root_resource_id
  path_part   = "certificates"
}

resource "aws_api_gateway_resource" "certificate_id" {
  rest_api_id = aws_api_gateway_rest_api.certs.id
  parent_id   = aws_api_gateway_resource.certificates.id
  path_part   = "{certificateId}"
}

resource "aws_api_gateway_authorizer" "cognito" {
  name            = "cognito"
  rest_api_id     = aws_api_gateway_rest_api.certs.id
  type            = "COGNITO_USER_POOLS"
  identity_source = "method.request.header.Authorization"
  provider_arns   = [aws_cognito_user_pool.users.arn]
}

resource "aws_api_gateway_method" "post_certificate" {
  rest_api_id   = aws_api_gateway_rest_api.certs.id
  resource_id   = aws_api_gateway_resource.certificates.id
  http_method   = "POST"
  authorization = "COGNITO_USER_POOLS"
  authorizer_id = aws_api_gateway_authorizer.cognito.id
}

resource "aws_api_gateway_integration" "post_certificate" {
  rest_api_id             = aws_api_gateway_rest_api.certs.id
  resource_id             = aws_api_gateway_resource.certificates.id
  http_method             = aws_api_gateway_method.post_certificate.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.presign.invoke_arn
}

resource "aws_api_gateway_method" "get_certificate" {
  rest_api_id   = aws_api_gateway_rest_api.certs.id
  resource_id   = aws_api_gateway_resource.certificate_id.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "get_certificate" {
  rest_api_id             = aws_api_gateway_rest_api.certs.id
  resource_id             = aws_api_gateway_resource.certificate_id.id
  http_method             = aws_api_gateway_method.get_certificate.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.get_certificate.invoke_arn
}

resource "aws_api_gateway_method" "options_certificates" {
  rest_api_id   = aws_api_gateway_rest_api.certs.id
  resource_id   = aws_api_gateway_resource.certificates.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "options_certificates" {
  rest_api_id = aws_api_gateway_rest_api.certs.id
  resource_id = aws_api_gateway_resource.certificates.id
  http_method = aws_api_gateway_method.options_certificates.http_method
  type        = "MOCK"

  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "options_200" {
  rest_api_id = aws_api_gateway_rest_api.certs.id
  resource_id = aws_api_gateway_resource.certificates.id
  http_method = aws_api_gateway_method.options_certificates.http_method
  status_code = "200"

  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = true
    "method.response.header.Access-Control-Allow-Headers" = true
    "method.response.header.Access-Control-Allow-Methods" = true
  }
}

resource "aws_api_gateway_integration_response" "options_200" {
  rest_api_id = aws_api_gateway_rest_api.certs.id
  resource_id = aws_api_gateway_resource.certificates.id
  http_method = aws_api_gateway_method.options_certificates.http_method
  status_code = "200"

  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin"  = "'*'"
    "method.response.header.Access-Control-Allow-Headers" = "'Content-Type,Authorization'"
    "method.response.header.Access-Control-Allow-Methods" = "'POST,OPTIONS'"
  }
}

resource "aws_api_gateway_deployment" "certs" {
  rest_api_id = aws_api_gateway_rest_api.certs.id

  triggers = {
    redeploy = sha1(jsonencode([
      aws_api_gateway_method.post_certificate.id,
      aws_api_gateway_integration.post_certificate.id,
      aws_api_gateway_integration.get_certificate.id,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/apigateway/certs-${var.instance_id}"
  retention_in_days = 14
}

resource "aws_api_gateway_stage" "dev" {
  stage_name    = "dev"
  rest_api_id   = aws_api_gateway_rest_api.certs.id
  deployment_id = aws_api_gateway_deployment.certs.id

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api.arn
    format          = jsonencode({ requestId = "$context.requestId", status = "$context.status" })
  }
}

resource "aws_api_gateway_account" "this" {
  cloudwatch_role_arn = "arn:aws:iam::123456789012:role/apigateway-logs"
}

resource "aws_lambda_permission" "presign" {
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.presign.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.certs.execution_arn}/*/*"
}

output "api_url" {
  value = aws_api_gateway_stage.dev.invoke_url
}
