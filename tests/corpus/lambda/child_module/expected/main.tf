module "thumbnails" {
  source        = "./modules/thumbnails"
  name          = "thumbs-${var.instance_id}"
  bucket_name   = digitalocean_spaces_bucket.media.name
  sizes         = "128,512"
  registry_name = var.registry_name
  instance_id   = var.instance_id
  region        = var.region
  project_id    = digitalocean_project.appliance.id
}

resource "digitalocean_spaces_bucket" "media" {
  name   = "media-${var.instance_id}"
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
  resources = flatten([[digitalocean_spaces_bucket.media.urn]])
}
