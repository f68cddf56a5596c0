provider "aws" {
  region = "us-west-1"
}

resource "random_password" "app" {
  length  = 48
  special = false
}

resource "aws_secretsmanager_secret" "app" {
  name        = "nakatomi/${var.instance_id}/app"
  description = "Application credentials"
  kms_key_id  = "alias/aws/secretsmanager"
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string = jsonencode({
    username   = "nakatomi_app"
    password   = random_password.app.result
    api_secret = "s3cr3t-do-not-ship"
  })
}

resource "aws_secretsmanager_secret_rotation" "app" {
  secret_id           = aws_secretsmanager_secret.app.id
  rotation_lambda_arn = "arn:aws:lambda:us-west-1:123456789012:function:rotate"

  rotation_rules {
    automatically_after_days = 30
  }
}

resource "aws_secretsmanager_secret_policy" "app" {
  secret_arn = aws_secretsmanager_secret.app.arn
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Deny", Principal = "*", Action = "secretsmanager:DeleteSecret", Resource = "*" }]
  })
}

# A secret whose value is set by hand in the console.
resource "aws_secretsmanager_secret" "stripe" {
  name_prefix = "nakatomi-stripe-"
}

resource "aws_secretsmanager_secret" "signing_key" {
  name = "nakatomi/${var.instance_id}/signing-key"
}

resource "aws_secretsmanager_secret_version" "signing_key" {
  secret_id     = aws_secretsmanager_secret.signing_key.id
  secret_binary = filebase64("${path.module}/keys/signing.bin")
}

data "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
}

output "app_secret" {
  value     = data.aws_secretsmanager_secret_version.app.secret_string
  sensitive = true
}

output "app_secret_id" {
  value = aws_secretsmanager_secret.app.arn
}
