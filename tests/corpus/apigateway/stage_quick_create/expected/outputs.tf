output "webhook_endpoint" {
  value = "http://${kubernetes_ingress_v1.webhook_webhook.status[0].load_balancer[0].ingress[0].ip}"
}

output "reports_url" {
  value = "http://${kubernetes_ingress_v1.reports_reports.status[0].load_balancer[0].ingress[0].ip}/v1"
}
