resource "aws_secretsmanager_secret" "db" {
  name                    = "${local.name}/database"
  description             = "Connection settings of the orders database"
  recovery_window_in_days = 7
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({
    username = aws_db_instance.main.username
    password = random_password.db.result
    host     = aws_db_instance.main.address
    port     = aws_db_instance.main.port
    dbname   = aws_db_instance.main.db_name
  })
}

resource "random_password" "session" {
  length  = 64
  special = false
}

resource "aws_secretsmanager_secret" "session" {
  name = "${local.name}/session-key"
}

resource "aws_secretsmanager_secret_version" "session" {
  secret_id     = aws_secretsmanager_secret.session.id
  secret_string = random_password.session.result
}

resource "aws_ssm_parameter" "smtp_password" {
  name  = "/${local.name}/smtp/password"
  type  = "SecureString"
  value = var.smtp_password
}

variable "smtp_password" {
  description = "Password of the transactional mail relay"
  type        = string
  sensitive   = true
}
