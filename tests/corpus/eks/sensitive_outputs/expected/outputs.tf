output "cluster_ca" {
  value     = module.cluster.ca
  sensitive = true
}

output "cluster" {
  value     = module.cluster.cluster
  sensitive = true
}

output "endpoint" {
  value = module.cluster.endpoint
}
