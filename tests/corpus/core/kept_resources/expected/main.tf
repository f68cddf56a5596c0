resource "random_id" "suffix" {
  byte_length = 4
}

resource "digitalocean_tag" "team" {
  name = "team-payments"
}

resource "digitalocean_spaces_bucket" "b" {
  name   = "kept-${random_id.suffix.hex}-${var.instance_id}"
  region = var.region
}

resource "null_resource" "after" {
  triggers = {
    bucket = digitalocean_spaces_bucket.b.urn
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
  resources = flatten([[digitalocean_spaces_bucket.b.urn]])
}
