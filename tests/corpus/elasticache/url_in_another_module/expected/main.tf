module "cache" {
  source      = "./modules/cache"
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

module "api" {
  source             = "./modules/api"
  redis_url          = module.cache.redis_host
  redis_url_port     = module.cache.redis_host_port
  redis_url_password = module.cache.redis_host_password
  registry_name      = var.registry_name
  instance_id        = var.instance_id
  region             = var.region
  project_id         = digitalocean_project.appliance.id
}

data "digitalocean_kubernetes_cluster" "stack" {
  name = module.api.kubernetes_cluster_name
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
