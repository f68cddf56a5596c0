output "url" {
  value = "http://${kubernetes_service_v1.web.status[0].load_balancer[0].ingress[0].ip}"
}

output "target_group" {
  value = null
}
