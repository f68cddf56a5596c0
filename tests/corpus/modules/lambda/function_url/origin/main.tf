# terraform-aws-modules/lambda packaging ./src/api, with a public function URL, environment
# variables, an SQS trigger and the module's IAM and log settings: a Knative Service built
# from the folder, public like the URL; the trigger is reported with its alternative.
variable "instance_id" {
  type = string
}

resource "aws_s3_bucket" "data" {
  bucket = "api-data-${var.instance_id}"
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs-${var.instance_id}"
}

module "api" {
  source  = "terraform-aws-modules/lambda/aws"
  version = "~> 7.0"

  function_name = "api-${var.instance_id}"
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  memory_size   = 512
  timeout       = 10
  source_path   = "${path.module}/src/api"

  environment_variables = {
    BUCKET = aws_s3_bucket.data.bucket
  }

  create_lambda_function_url = true
  authorization_type         = "NONE"

  event_source_mapping = {
    sqs = {
      event_source_arn = aws_sqs_queue.jobs.arn
      batch_size       = 10
    }
  }

  attach_policy_statements = true
  policy_statements = {
    s3 = {
      effect    = "Allow"
      actions   = ["s3:GetObject"]
      resources = ["${aws_s3_bucket.data.arn}/*"]
    }
  }
  cloudwatch_logs_retention_in_days = 14
}

output "api_url" {
  value = module.api.lambda_function_url
}

output "api_name" {
  value = module.api.lambda_function_name
}
