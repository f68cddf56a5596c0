output "db_password_parameter" {
  value = var.db_db_password_parameter
}
