output "site_service" {
  value = kubernetes_deployment_v1.svc_site.metadata[0].name
}
