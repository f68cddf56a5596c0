output "ecs_cluster_id" {
  value = digitalocean_kubernetes_cluster.this.id
}

output "kubernetes_cluster_name" {
  value = digitalocean_kubernetes_cluster.this.name
}
