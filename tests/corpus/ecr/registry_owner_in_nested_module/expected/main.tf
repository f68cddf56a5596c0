module "svc" {
  source        = "./modules/svc"
  registry_name = var.registry_name
  instance_id   = var.instance_id
  region        = var.region
  project_id    = digitalocean_project.appliance.id
}

module "app" {
  source        = "./modules/app"
  registry_name = module.svc.registry_name
  instance_id   = var.instance_id
  region        = var.region
  project_id    = digitalocean_project.appliance.id
}

data "digitalocean_kubernetes_versions" "main" {}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "shop-${var.instance_id}"
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
