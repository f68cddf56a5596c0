output "cluster_name" {
  value = digitalocean_kubernetes_cluster.main.name
}

output "cluster_endpoint" {
  value = digitalocean_kubernetes_cluster.main.endpoint
}

output "cluster_ca" {
  value     = base64decode(digitalocean_kubernetes_cluster.main.kube_config[0].cluster_ca_certificate)
  sensitive = true
}

output "oidc_issuer" {
  value = null
}

output "worker_pool_id" {
  value = digitalocean_kubernetes_node_pool.workers.id
}

output "system_pool_id" {
  value = digitalocean_kubernetes_cluster.main.node_pool[0].id
}
