data "digitalocean_kubernetes_versions" "eks_cluster" {}

resource "digitalocean_kubernetes_cluster" "eks_cluster" {
  name    = "eks-initech-cluster-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.eks_cluster.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "default"
    size       = "s-2vcpu-4gb"
    auto_scale = true
    min_nodes  = 2
    max_nodes  = 4
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_kubernetes_cluster.eks_cluster.urn]])
}
