resource "digitalocean_spaces_bucket" "uploads" {
  name   = "uploads-${var.instance_id}"
  region = var.region
}

resource "terraform_data" "marker" {
  input = {
    bucket = digitalocean_spaces_bucket.uploads.name
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
  resources = flatten([[digitalocean_spaces_bucket.uploads.urn]])
}
