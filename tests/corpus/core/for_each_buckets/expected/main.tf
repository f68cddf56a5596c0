resource "digitalocean_spaces_bucket" "this" {
  for_each = var.buckets
  name     = "app-${each.key}-${var.instance_id}"
  region   = var.region

  versioning {
    enabled = true
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
  resources = flatten([values(digitalocean_spaces_bucket.this)[*].urn])
}
