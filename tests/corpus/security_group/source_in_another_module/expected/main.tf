module "app" {
  source      = "./modules/app"
  vpc_id      = digitalocean_vpc.main.id
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

module "db" {
  source            = "./modules/db"
  vpc_id            = digitalocean_vpc.main.id
  app_sg_id         = module.app.sg_id
  allowed_group_ids = [module.app.sg_id]
  instance_id       = var.instance_id
  region            = var.region
  project_id        = digitalocean_project.appliance.id
}

resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
