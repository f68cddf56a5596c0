output "cluster_name" {
  value = digitalocean_kubernetes_cluster.this.name
}

output "node_role_arn" {
  value = null
}
