output "api_endpoint" {
  value = "http://${kubernetes_ingress_v1.this_resize_invoke_arn.status[0].load_balancer[0].ingress[0].ip}"
}
