locals {
  company = "acme"
}

resource "digitalocean_spaces_bucket" "exports" {
  name   = "${local.company}-customer-exports-${var.instance_id}"
  region = var.region
}

resource "digitalocean_container_registry" "images" {
  name                   = "acme-images"
  subscription_tier_slug = "basic"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.exports.urn]])
}
