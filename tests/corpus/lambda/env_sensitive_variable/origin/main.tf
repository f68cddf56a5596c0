# Environment values that read `sensitive = true` variables (API keys) go into a Kubernetes
# Secret of the function and are read by `secretKeyRef`, not written into the Knative
# Service's spec. Origin: ed-donner/alex terraform/6_agents (LANGFUSE_SECRET_KEY,
# OPENAI_API_KEY).
variable "openai_api_key" {
  type      = string
  default   = ""
  sensitive = true
}

variable "langfuse_public_key" {
  type      = string
  default   = ""
  sensitive = false
}

variable "bedrock_model_id" {
  type    = string
  default = "amazon.nova-pro-v1:0"
}

resource "aws_iam_role" "agents" {
  name = "alex-lambda-agents-role"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Action    = "sts:AssumeRole"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_lambda_function" "tagger" {
  function_name = "alex-tagger"
  role          = aws_iam_role.agents.arn
  filename      = "tagger_lambda.zip"
  handler       = "lambda_handler.lambda_handler"
  runtime       = "python3.12"
  timeout       = 300

  environment {
    variables = {
      BEDROCK_MODEL_ID    = var.bedrock_model_id
      LANGFUSE_PUBLIC_KEY = var.langfuse_public_key
      OPENAI_API_KEY      = var.openai_api_key
    }
  }
}
