output "kubernetes_cluster_name" {
  value = digitalocean_kubernetes_cluster.ecs_cluster.name
}
