module "app" {
  source         = "./modules/app"
  name           = "shop-${var.instance_id}"
  vpc_id         = null
  subnet_ids     = null
  instance_count = 2
  instance_id    = var.instance_id
  region         = var.region
  project_id     = digitalocean_project.appliance.id
}

module "cache" {
  source      = "./modules/cache"
  name        = "shop-${var.instance_id}"
  subnet_ids  = null
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "Production"
}
