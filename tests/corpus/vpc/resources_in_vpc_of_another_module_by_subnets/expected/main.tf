module "vpc" {
  source      = "./modules/vpc"
  cidr        = "10.20.0.0/16"
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

module "eks" {
  source      = "./modules/eks"
  subnet_ids  = module.vpc.private_subnet_ids
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

module "rds" {
  source      = "./modules/rds"
  subnet_ids  = module.vpc.private_subnet_ids
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
