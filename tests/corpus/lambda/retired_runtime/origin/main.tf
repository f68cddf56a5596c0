# A function on a Node.js runtime retired before Lambda base images existed (shape of
# samjsmart/tech-test `deploy/lambda_function_api.tf`).
provider "aws" {
  region = "eu-west-2"
}

variable "instance_id" {
  type = string
}

resource "aws_lambda_function" "api" {
  function_name = "api-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/api"
  handler       = "index.handler"
  runtime       = "nodejs8.10"
  filename      = "payload.zip"
}
