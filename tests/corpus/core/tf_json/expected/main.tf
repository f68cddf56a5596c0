resource "digitalocean_vpc" "core" {
  name     = "core-${var.env}-${var.instance_id}"
  region   = var.region
  ip_range = "172.16.0.0/16"
}

resource "digitalocean_spaces_bucket" "data" {
  name   = "data-${var.env}-${var.instance_id}"
  region = var.region

  versioning {
    enabled = false
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
  resources = flatten([[digitalocean_spaces_bucket.data.urn]])
}
