output "broker_endpoint" {
  value = "${kubernetes_service_v1.broker.status[0].load_balancer[0].ingress[0].ip}:1883"
}
