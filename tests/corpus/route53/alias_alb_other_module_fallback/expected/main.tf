module "lb" {
  source      = "./modules/lb"
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

module "lbs" {
  source      = "./modules/lb"
  count       = 1
  instance_id = "${var.instance_id}-b"
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

resource "digitalocean_domain" "main" {
  name = "example.com"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_domain.main.urn]])
}
