output "api_endpoint" {
  value = "http://${kubernetes_ingress_v1.api_orders_fn.status[0].load_balancer[0].ingress[0].ip}"
}
