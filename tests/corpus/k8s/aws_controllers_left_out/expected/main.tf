data "digitalocean_kubernetes_versions" "eks" {}

resource "digitalocean_kubernetes_cluster" "eks" {
  name    = "dev-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.eks.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "general"
    size       = "s-2vcpu-4gb"
    auto_scale = true
    min_nodes  = 1
    max_nodes  = 10
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "helm_release" "capi_autoscaler" {
  name       = "capi-autoscaler"
  repository = "https://kubernetes.github.io/autoscaler"
  chart      = "cluster-autoscaler"
  namespace  = "kube-system"

  set {
    name  = "cloudProvider"
    value = "clusterapi"
  }
}

resource "helm_release" "ingress_controller" {
  name             = "ingress-nginx"
  namespace        = "ingress-nginx"
  create_namespace = true
  repository       = "https://kubernetes.github.io/ingress-nginx"
  chart            = "ingress-nginx"
  depends_on       = [digitalocean_kubernetes_cluster.eks]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_kubernetes_cluster.eks.urn]])
}
