output "cluster_endpoint" {
  value = digitalocean_kubernetes_cluster.eks.endpoint
}

output "cluster_name" {
  value = digitalocean_kubernetes_cluster.eks.name
}

output "oidc_provider_arn" {
  value = null
}
