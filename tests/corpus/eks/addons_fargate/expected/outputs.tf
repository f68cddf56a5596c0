output "cluster_id" {
  value = digitalocean_kubernetes_cluster.main.id
}

output "fargate_profile_arn" {
  value = null
}
