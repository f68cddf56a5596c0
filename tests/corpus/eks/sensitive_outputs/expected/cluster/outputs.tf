output "ca" {
  value = digitalocean_kubernetes_cluster.main.kube_config[0].cluster_ca_certificate
}

output "cluster" {
  value = {
    arn                   = digitalocean_kubernetes_cluster.main.urn
    certificate_authority = digitalocean_kubernetes_cluster.main.kube_config[0].cluster_ca_certificate
    cluster_id            = digitalocean_kubernetes_cluster.main.id
    created_at            = digitalocean_kubernetes_cluster.main.created_at
    endpoint              = digitalocean_kubernetes_cluster.main.endpoint
    id                    = digitalocean_kubernetes_cluster.main.id
    name                  = digitalocean_kubernetes_cluster.main.name
    status                = digitalocean_kubernetes_cluster.main.status
    version               = digitalocean_kubernetes_cluster.main.version
  }
}

output "endpoint" {
  value = digitalocean_kubernetes_cluster.main.endpoint
}

output "kubernetes_cluster_name" {
  value = digitalocean_kubernetes_cluster.main.name
}
