output "shop_address" {
  value = kubernetes_ingress_v1.front.status[0].load_balancer[0].ingress[0].ip
}
