output "api_url" {
  value = "https://api.gringotts.example"
}

output "db_password_check" {
  value     = kubernetes_secret_v1.db_password.data["value"]
  sensitive = true
}
