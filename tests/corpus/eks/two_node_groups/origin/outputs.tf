output "cluster_name" {
  value = aws_eks_cluster.main.name
}

output "cluster_endpoint" {
  value = aws_eks_cluster.main.endpoint
}

output "cluster_ca" {
  value     = base64decode(aws_eks_cluster.main.certificate_authority[0].data)
  sensitive = true
}

output "oidc_issuer" {
  value = aws_eks_cluster.main.identity[0].oidc[0].issuer
}

output "worker_pool_id" {
  value = aws_eks_node_group.workers.id
}

output "system_pool_id" {
  value = aws_eks_node_group.system.id
}
