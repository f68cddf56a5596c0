# A password drawn by Secrets Manager's random-password data source and stored in a secret that
# no database reads: it becomes a `random_password` with the same length and classes, its
# excluded punctuation left out of `override_special`; letters in `exclude_characters` cannot
# be expressed (noted). The data source drew anew at every plan; the resource draws once.
data "aws_secretsmanager_random_password" "api_key" {
  password_length            = 40
  exclude_characters         = "\"'`\\/@lI"
  require_each_included_type = true
}

data "aws_secretsmanager_random_password" "pin" {
  password_length     = 6
  exclude_lowercase   = true
  exclude_uppercase   = true
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "api_key" {
  name = "api-key-${var.instance_id}"
}

resource "aws_secretsmanager_secret_version" "api_key" {
  secret_id     = aws_secretsmanager_secret.api_key.id
  secret_string = jsonencode({ key = data.aws_secretsmanager_random_password.api_key.random_password, pin = data.aws_secretsmanager_random_password.pin.random_password })

  lifecycle {
    ignore_changes = [secret_string]
  }
}

resource "aws_eks_cluster" "main" {
  name     = "api-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

variable "instance_id" {
  type = string
}
