output "app_secret" {
  value     = kubernetes_secret_v1.app.data["value"]
  sensitive = true
}

output "app_secret_id" {
  value = kubernetes_secret_v1.app.id
}
