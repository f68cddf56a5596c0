module "label" {
  source  = "cloudposse/label/null"
  version = "0.25.0"

  namespace = "acme"
  name      = "app"
}

module "lambda" {
  source  = "terraform-aws-modules/lambda/aws"
  version = "~> 7.0"

  function_name = "acme-worker"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
}

resource "aws_s3_bucket" "data" {
  bucket = module.label.id
}

output "function_arn" {
  value = module.lambda.lambda_function_arn
}
