module "eks_cluster" {
  source       = "./modules/cluster"
  project_name = "eks-${var.instance_id}"
  instance_id  = var.instance_id
  region       = var.region
  project_id   = digitalocean_project.appliance.id
}

data "digitalocean_kubernetes_cluster" "stack" {
  name = module.eks_cluster.kubernetes_cluster_name
}

resource "kubernetes_namespace" "apps" {
  metadata {
    name = "apps"
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
