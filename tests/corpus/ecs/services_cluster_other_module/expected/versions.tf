terraform {
  required_version = ">= 1.5"

  required_providers {
    digitalocean = {
      source  = "digitalocean/digitalocean"
      version = "~> 2.0"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.0"
    }
  }
}

provider "digitalocean" {}

provider "kubernetes" {
  host                   = data.digitalocean_kubernetes_cluster.stack.endpoint
  token                  = data.digitalocean_kubernetes_cluster.stack.kube_config[0].token
  cluster_ca_certificate = base64decode(data.digitalocean_kubernetes_cluster.stack.kube_config[0].cluster_ca_certificate)
}
