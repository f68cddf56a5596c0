module "eks" {
  source      = "./modules/eks"
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

module "nodegroups" {
  source       = "./modules/nodegroups"
  cluster_name = module.eks.cluster_name
  node_role    = module.eks.node_role_arn
  instance_id  = var.instance_id
  region       = var.region
  project_id   = digitalocean_project.appliance.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
