module "ecs_cluster" {
  source       = "./modules/ecs-cluster"
  cluster_name = "road-vision"
  instance_id  = var.instance_id
  region       = var.region
  project_id   = digitalocean_project.appliance.id
}

module "mqtt" {
  source         = "./modules/mqtt"
  ecs_cluster_id = module.ecs_cluster.ecs_cluster_id
  registry_name  = module.redis.registry_name
  instance_id    = var.instance_id
  region         = var.region
  project_id     = digitalocean_project.appliance.id
}

module "redis" {
  source         = "./modules/redis"
  ecs_cluster_id = module.ecs_cluster.ecs_cluster_id
  registry_name  = var.registry_name
  instance_id    = var.instance_id
  region         = var.region
  project_id     = digitalocean_project.appliance.id
}

data "digitalocean_kubernetes_cluster" "stack" {
  name = module.ecs_cluster.kubernetes_cluster_name
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
