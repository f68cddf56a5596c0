output "ca" {
  value = digitalocean_kubernetes_cluster.main.kube_config[0].cluster_ca_certificate
}

output "cluster" {
  value = digitalocean_kubernetes_cluster.main
}

output "endpoint" {
  value = digitalocean_kubernetes_cluster.main.endpoint
}
