data "digitalocean_kubernetes_versions" "eks" {}

resource "digitalocean_kubernetes_cluster" "eks" {
  name    = "dev-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.eks.latest_version
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

resource "kubernetes_storage_class" "ebs_sc" {
  metadata {
    name = "ebs-sc"
  }

  storage_provisioner = "dobs.csi.digitalocean.com"
  parameters          = {
    fsType = "ext4"
  }
  reclaim_policy         = "Delete"
  volume_binding_mode    = "WaitForFirstConsumer"
  allow_volume_expansion = true
}

resource "kubernetes_storage_class_v1" "gp2" {
  metadata {
    name = "gp2-zonal"
  }

  storage_provisioner = "dobs.csi.digitalocean.com"
}

resource "kubernetes_storage_class" "local" {
  metadata {
    name = "local-path"
  }

  storage_provisioner = "rancher.io/local-path"
  volume_binding_mode = "WaitForFirstConsumer"
}

resource "helm_release" "jenkins" {
  name             = "jenkins"
  repository       = "https://charts.jenkins.io"
  chart            = "jenkins"
  namespace        = "jenkins"
  create_namespace = true
  version          = "5.8.49"
  values           = [file("${path.module}/values/jenkins-values.yaml")]
  depends_on       = [kubernetes_storage_class.ebs_sc]
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
