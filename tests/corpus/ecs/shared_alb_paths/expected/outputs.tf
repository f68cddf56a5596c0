output "portal_address" {
  value = "http://${kubernetes_ingress_v1.main.status[0].load_balancer[0].ingress[0].ip}"
}
