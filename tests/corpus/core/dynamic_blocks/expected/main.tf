resource "digitalocean_spaces_bucket" "b" {
  name   = "dyn-${var.instance_id}"
  region = var.region

  versioning {
    enabled = true
  }
}

resource "digitalocean_spaces_bucket" "c" {
  name   = "dyn2-${var.instance_id}"
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
  resources = flatten([[digitalocean_spaces_bucket.b.urn], [digitalocean_spaces_bucket.c.urn]])
}
