output "url" {
  value = "https://${var.domain_name}"
}

output "load_balancer_address" {
  value = kubernetes_service_v1.api.status[0].load_balancer[0].ingress[0].ip
}

output "api_repository" {
  value = "registry.digitalocean.com/${var.registry_name}/northwind/api"
}

output "database_endpoint" {
  value = "${digitalocean_database_cluster.main.host}:${digitalocean_database_cluster.main.port}"
}
