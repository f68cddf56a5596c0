locals {
  prefix = "${var.project}-${var.environment}"
}

module "logs" {
  source      = "./modules/bucket"
  name        = "${var.project}-logs"
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

resource "digitalocean_spaces_bucket" "assets" {
  name   = "${local.prefix}-assets-${var.instance_id}"
  region = var.region
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.assets.urn]])
}
