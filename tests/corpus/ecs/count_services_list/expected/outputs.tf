output "second" {
  value = kubernetes_deployment_v1.s_1.metadata[0].name
}
