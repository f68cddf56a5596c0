resource "digitalocean_vpc" "main" {
  name     = "corp-${var.instance_id}"
  region   = var.region
  ip_range = "172.16.0.0/16"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
