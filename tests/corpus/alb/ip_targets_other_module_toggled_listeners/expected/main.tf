module "lb" {
  source       = "./modules/lb"
  environment  = var.environment
  enable_https = var.domain_name != ""
  alt_port     = true
  instance_id  = var.instance_id
  region       = var.region
  project_id   = digitalocean_project.appliance.id
}

module "ecs" {
  source        = "./modules/ecs"
  tg_arn        = module.lb.target_group_arn
  registry_name = var.registry_name
  instance_id   = var.instance_id
  region        = var.region
  project_id    = digitalocean_project.appliance.id
}

data "digitalocean_kubernetes_cluster" "stack" {
  name = module.ecs.kubernetes_cluster_name
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
