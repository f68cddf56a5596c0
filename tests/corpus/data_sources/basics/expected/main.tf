locals {
  region = var.region
  azs    = slice([var.region], 0, 1)
}

resource "digitalocean_spaces_bucket" "logs" {
  name   = "shop-logs-${local.region}-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket" "reports" {
  name   = "shop-reports-${var.instance_id}-${var.region}"
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
  resources = flatten([[digitalocean_spaces_bucket.logs.urn], [digitalocean_spaces_bucket.reports.urn]])
}
