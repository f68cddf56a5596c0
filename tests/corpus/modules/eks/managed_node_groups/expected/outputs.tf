output "cluster_endpoint" {
  value = null
}

output "cluster_name" {
  value = null
}

output "oidc_provider_arn" {
  value = null
}
