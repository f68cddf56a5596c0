resource "digitalocean_spaces_bucket" "bucket" {
  name   = "app-bucket-${var.instance_id}"
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
  resources = flatten([[digitalocean_spaces_bucket.bucket.urn]])
}
