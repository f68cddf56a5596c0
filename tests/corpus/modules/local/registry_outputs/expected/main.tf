module "app" {
  source        = "./modules/app"
  vpc_id        = digitalocean_vpc.vpc.id
  assets_bucket = digitalocean_spaces_bucket.assets.name
  assets_domain = digitalocean_spaces_bucket.assets.bucket_domain_name
  subnet_ids    = null
  instance_id   = var.instance_id
  region        = var.region
  project_id    = digitalocean_project.appliance.id
}

resource "digitalocean_vpc" "vpc" {
  name     = "acme-${var.instance_id}"
  region   = var.region
  ip_range = "10.30.0.0/16"
}

resource "digitalocean_spaces_bucket" "assets" {
  name   = "acme-assets-${var.instance_id}"
  region = var.region
  acl    = "private"
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
