resource "digitalocean_vpc" "app" {
  name     = "app-${var.instance_id}"
  region   = var.region
  ip_range = "10.10.0.0/16"
}

resource "digitalocean_vpc" "data" {
  name     = "data-${var.instance_id}"
  region   = var.region
  ip_range = "10.11.0.0/16"
}

resource "digitalocean_vpc_peering" "app_data" {
  name    = "app-data-${var.instance_id}"
  vpc_ids = [digitalocean_vpc.app.id, digitalocean_vpc.data.id]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
