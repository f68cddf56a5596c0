output "invoke_url" {
  value = "http://${kubernetes_ingress_v1.legacy_legacy.status[0].load_balancer[0].ingress[0].ip}/prod"
}
