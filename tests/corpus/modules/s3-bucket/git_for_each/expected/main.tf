resource "digitalocean_spaces_bucket" "buckets" {
  for_each = var.buckets
  name     = "acme-${each.key}-${var.instance_id}"
  region   = var.region
  acl      = "private"

  versioning {
    enabled = true
  }
}

resource "digitalocean_spaces_bucket" "archive" {
  name   = "acme-archive-${var.instance_id}"
  region = var.region
  acl    = "private"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([values(digitalocean_spaces_bucket.buckets)[*].urn, [digitalocean_spaces_bucket.archive.urn]])
}
