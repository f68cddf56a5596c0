output "alb_dns_name" {
  value = kubernetes_service_v1.web.status[0].load_balancer[0].ingress[0].ip
}
