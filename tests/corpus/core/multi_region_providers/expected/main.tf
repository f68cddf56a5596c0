resource "digitalocean_vpc" "one" {
  name     = "one-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_vpc" "two" {
  name     = "two-${var.instance_id}"
  region   = var.region
  ip_range = "192.168.0.0/16"
}

resource "digitalocean_vpc_peering" "peer" {
  name    = "peer-${var.instance_id}"
  vpc_ids = [digitalocean_vpc.one.id, digitalocean_vpc.two.id]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
