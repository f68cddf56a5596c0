resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = var.cidr
}

resource "digitalocean_spaces_bucket" "logs" {
  name       = "${var.name}-logs-${var.instance_id}"
  region     = var.region
  depends_on = [digitalocean_vpc.main]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.logs.urn]])
}
