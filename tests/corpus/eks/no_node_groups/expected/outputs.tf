output "kubeconfig_endpoint" {
  value = digitalocean_kubernetes_cluster.analytics.endpoint
}
