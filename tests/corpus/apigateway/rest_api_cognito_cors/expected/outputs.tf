output "api_url" {
  value = "http://${kubernetes_ingress_v1.certs_presign.status[0].load_balancer[0].ingress[0].ip}/dev"
}
