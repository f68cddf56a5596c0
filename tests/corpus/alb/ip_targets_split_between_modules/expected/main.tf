module "lb" {
  source      = "./modules/lb"
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

module "mqtt" {
  source         = "./modules/mqtt"
  ecs_cluster_id = digitalocean_kubernetes_cluster.main.id
  mqtt_tg_arn    = module.lb.mqtt_tg_arn
  registry_name  = module.redis.registry_name
  instance_id    = var.instance_id
  region         = var.region
  project_id     = digitalocean_project.appliance.id
}

module "redis" {
  source         = "./modules/redis"
  ecs_cluster_id = digitalocean_kubernetes_cluster.main.id
  redis_tg_arn   = module.lb.redis_tg_arn
  registry_name  = var.registry_name
  instance_id    = var.instance_id
  region         = var.region
  project_id     = digitalocean_project.appliance.id
}

data "digitalocean_kubernetes_versions" "main" {}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "road-vision-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.main.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "workloads"
    size       = "s-2vcpu-4gb"
    node_count = 2
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_kubernetes_cluster.main.urn]])
}
