output "secret_name" {
  value = kubernetes_secret_v1.api_secret.metadata[0].name
}

output "log_level_parameter" {
  value = kubernetes_secret_v1.log_level.metadata[0].name
}
