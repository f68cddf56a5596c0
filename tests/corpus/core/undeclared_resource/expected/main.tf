resource "digitalocean_vpc" "eks" {
  name     = "eks-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/18"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
