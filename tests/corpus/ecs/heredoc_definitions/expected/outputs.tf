output "api_service" {
  value = kubernetes_deployment_v1.api.metadata[0].name
}
