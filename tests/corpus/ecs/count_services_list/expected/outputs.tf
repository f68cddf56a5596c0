output "second" {
  value = kubernetes_deployment_v1.s_1.metadata[0].name
}

output "all" {
  value = [kubernetes_deployment_v1.s_0.metadata[0].name, kubernetes_deployment_v1.s_1.metadata[0].name]
}
