output "url" {
  value = "https://${var.domain}"
}

output "load_balancer" {
  value = kubernetes_service_v1.web.status[0].load_balancer[0].ingress[0].ip
}

output "repository" {
  value = "registry.digitalocean.com/${var.registry_name}/shop/web"
}
