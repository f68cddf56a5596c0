output "endpoint" {
  value = digitalocean_kubernetes_cluster.this.endpoint
}

output "token" {
  value     = digitalocean_kubernetes_cluster.this.kube_config[0].token
  sensitive = true
}

output "version" {
  value = digitalocean_kubernetes_cluster.this.version
}

output "arn" {
  value = digitalocean_kubernetes_cluster.this.urn
}
