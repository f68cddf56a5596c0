locals {
  prefix = "dp-${var.instance_id}"
  ports  = [9092, 9093]
}

resource "digitalocean_vpc" "data" {
  name     = "${local.prefix}-${var.instance_id}"
  region   = var.region
  ip_range = "10.50.0.0/16"
}

resource "digitalocean_spaces_bucket" "archive" {
  name   = "${local.prefix}-archive-${var.instance_id}"
  region = var.region
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "Production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.archive.urn]])
}
