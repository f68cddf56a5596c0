module "site" {
  source      = "./modules/site"
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

module "cdn" {
  source        = "./modules/cdn"
  origin_domain = module.site.bucket_regional_domain_name
  instance_id   = var.instance_id
  region        = var.region
  project_id    = digitalocean_project.appliance.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
