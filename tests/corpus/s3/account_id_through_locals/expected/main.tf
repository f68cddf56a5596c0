locals {
  project_name = "tech-test"
}

resource "digitalocean_spaces_bucket" "infrastructure" {
  name   = "${local.project_name}-${var.environment}-infrastructure-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket" "terraform_state" {
  name   = "${local.project_name}-${var.environment}-terraform-state-${var.instance_id}"
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
  resources = flatten([[digitalocean_spaces_bucket.infrastructure.urn], [digitalocean_spaces_bucket.terraform_state.urn]])
}
