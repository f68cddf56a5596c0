output "cluster_name" {
  value = digitalocean_kubernetes_cluster.eks_cluster.id
}

output "cluster_endpoint" {
  value = digitalocean_kubernetes_cluster.eks_cluster.endpoint
}

output "cluster_certificate_authority" {
  value = digitalocean_kubernetes_cluster.eks_cluster.kube_config[0].cluster_ca_certificate
}

output "kubernetes_cluster_name" {
  value = digitalocean_kubernetes_cluster.eks_cluster.name
}
