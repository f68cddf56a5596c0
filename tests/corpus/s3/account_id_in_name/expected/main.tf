locals {
  account_id = null
  prefix     = "acme"
}

resource "digitalocean_spaces_bucket" "transfer" {
  name   = "transfer-bucket-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket" "logs" {
  name   = "${local.prefix}-logs-eu-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket" "assets" {
  name   = "assets-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket" "uploads" {
  name   = "${var.instance_id}-uploads"
  region = var.region
}

resource "digitalocean_spaces_bucket" "data" {
  name   = "${local.prefix}-data-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket" "whole" {
  name   = "-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket" "glued" {
  name   = "backup${local.account_id}-${var.instance_id}"
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
  resources = flatten([[digitalocean_spaces_bucket.transfer.urn], [digitalocean_spaces_bucket.logs.urn], [digitalocean_spaces_bucket.assets.urn], [digitalocean_spaces_bucket.uploads.urn], [digitalocean_spaces_bucket.data.urn], [digitalocean_spaces_bucket.whole.urn], [digitalocean_spaces_bucket.glued.urn]])
}
