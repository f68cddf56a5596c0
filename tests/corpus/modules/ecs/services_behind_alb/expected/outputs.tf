output "cluster_name" {
  value = digitalocean_kubernetes_cluster.ecs.name
}
