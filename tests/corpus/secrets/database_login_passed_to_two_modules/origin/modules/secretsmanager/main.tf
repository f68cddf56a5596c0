variable "master_username" {
  type = string
}

variable "master_password" {
  type      = string
  sensitive = true
}

variable "db_name" {
  type = string
}

resource "aws_secretsmanager_secret" "db_creds" {
  name = "db-creds"
}

resource "aws_secretsmanager_secret_version" "db_creds" {
  secret_id = aws_secretsmanager_secret.db_creds.id
  secret_string = jsonencode({
    username = var.master_username
    password = var.master_password
    dbname   = var.db_name
  })
}
