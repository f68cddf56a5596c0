resource "aws_lambda_function" "api" {
  function_name = "api-lambda"
  role          = "arn:aws:iam::123456789012:role/api"
  package_type  = "Image"
  image_uri     = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/api@sha256:2b5b1dbb8b0c8b5f1a2e2c4f1f4d2e6a9c3b7d1e5f9a3c7b1d5e9f3a7c1b5d9e"
}
