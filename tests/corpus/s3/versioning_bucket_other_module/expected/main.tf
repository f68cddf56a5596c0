module "primary" {
  source      = "./modules/site"
  name_prefix = "app-primary"
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

module "secondary" {
  source      = "./modules/site"
  name_prefix = "app-secondary"
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
