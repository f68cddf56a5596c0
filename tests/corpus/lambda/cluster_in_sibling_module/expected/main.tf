module "lambda_api" {
  source        = "./lambda"
  registry_name = var.registry_name
  instance_id   = var.instance_id
  region        = var.region
  project_id    = digitalocean_project.appliance.id
}

module "ecs_api" {
  source       = "./ecs"
  cluster_name = "api"
  instance_id  = var.instance_id
  region       = var.region
  project_id   = digitalocean_project.appliance.id
}

data "digitalocean_kubernetes_cluster" "stack" {
  name = module.ecs_api.kubernetes_cluster_name
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
