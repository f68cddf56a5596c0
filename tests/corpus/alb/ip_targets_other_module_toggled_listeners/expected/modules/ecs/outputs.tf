output "lb_dns_name" {
  value = kubernetes_service_v1.app.status[0].load_balancer[0].ingress[0].ip
}

output "kubernetes_cluster_name" {
  value = digitalocean_kubernetes_cluster.main.name
}
