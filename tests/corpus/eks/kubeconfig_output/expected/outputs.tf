output "configure_kubectl" {
  description = "Configure kubectl for the cluster"
  value       = "doctl kubernetes cluster kubeconfig save ${digitalocean_kubernetes_cluster.main.name}"
}

output "kubeconfig_by_variable" {
  value = "doctl kubernetes cluster kubeconfig save ${digitalocean_kubernetes_cluster.main.name}"
}

output "cluster_endpoint" {
  value = digitalocean_kubernetes_cluster.main.endpoint
}
