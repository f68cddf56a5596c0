# A function whose environment carries secrets: a Secrets Manager secret outside the stack
# (looked up), a SecureString parameter and a secret of the stack, beside plain settings.
# The secrets (and a field of the JSON secret, which its Secret holds as a key) are read from
# their Kubernetes Secrets (`secretKeyRef`), not written into the Knative Service; a String
# parameter is configuration and stays a value, as does a field the Secret has no key for.
provider "aws" {
  region = "eu-west-1"
}

variable "instance_id" {
  type = string
}

variable "signing_key" {
  type      = string
  sensitive = true
}

resource "aws_eks_cluster" "main" {
  name     = "orders-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  }
}

data "aws_secretsmanager_secret_version" "db_url" {
  secret_id = "orders/db-url"
}

resource "aws_ssm_parameter" "signing_key" {
  name  = "/orders/${var.instance_id}/signing-key"
  type  = "SecureString"
  value = var.signing_key
}

resource "aws_ssm_parameter" "region_label" {
  name  = "/orders/${var.instance_id}/region-label"
  type  = "String"
  value = "eu"
}

resource "aws_secretsmanager_secret" "webhook" {
  name = "orders-webhook-${var.instance_id}"
}

resource "aws_secretsmanager_secret_version" "webhook" {
  secret_id     = aws_secretsmanager_secret.webhook.id
  secret_string = jsonencode({ token = var.signing_key, url = "https://hooks.example.com/orders" })
}

resource "aws_lambda_function" "register" {
  function_name = "orders-register-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/orders-register"
  package_type  = "Image"
  image_uri     = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-register:1.4.0"
  memory_size   = 512
  timeout       = 30

  environment {
    variables = {
      DB_URL       = data.aws_secretsmanager_secret_version.db_url.secret_string
      SIGN_KEY     = aws_ssm_parameter.signing_key.value
      WEBHOOK      = aws_secretsmanager_secret_version.webhook.secret_string
      WEBHOOK_URL  = jsondecode(aws_secretsmanager_secret_version.webhook.secret_string)["url"]
      WEBHOOK_TOKEN = jsondecode(aws_secretsmanager_secret_version.webhook.secret_string).token
      WEBHOOK_MODE = jsondecode(aws_secretsmanager_secret_version.webhook.secret_string)["mode"]
      REGION_LABEL = aws_ssm_parameter.region_label.value
      LOG_LEVEL    = "info"
    }
  }
}
