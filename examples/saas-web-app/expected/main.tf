locals {
  name        = "acme-${var.instance_id}"
  azs         = ["${var.aws_region}a", "${var.aws_region}b", "${var.aws_region}c"]
  common_tags = {
    Product   = "acme"
    Instance  = var.instance_id
    ManagedBy = "terraform"
  }
}

resource "digitalocean_vpc" "main" {
  name     = "${local.name}-${var.instance_id}"
  region   = var.region
  ip_range = "10.20.0.0/16"
}

resource "random_password" "db" {
  length  = 32
  special = false
}

resource "digitalocean_spaces_bucket" "uploads" {
  name   = "${local.name}-uploads-${var.instance_id}"
  region = var.region

  versioning {
    enabled = true
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "Production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.uploads.urn]])
}
