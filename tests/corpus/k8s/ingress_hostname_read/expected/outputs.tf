output "api_url" {
  value = "http://${kubernetes_ingress_v1.api.status[0].load_balancer[0].ingress[0].ip}/api"
}
