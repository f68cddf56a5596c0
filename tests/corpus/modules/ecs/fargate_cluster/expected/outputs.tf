output "cluster_name" {
  value = digitalocean_kubernetes_cluster.saas-pod-cluster.name
}
