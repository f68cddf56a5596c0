module "site" {
  source      = "./site"
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

module "staging" {
  source      = "./site"
  instance_id = "staging-${var.instance_id}"
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

resource "digitalocean_cdn" "site" {
  origin = module.site.bucket_regional_domain_name
  ttl    = 3600
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
