resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.70.0.0/16"
}

resource "digitalocean_vpc_nat_gateway" "main" {
  name   = "main-${var.instance_id}"
  type   = "PUBLIC"
  region = var.region
  size   = 1

  vpcs {
    vpc_uuid        = digitalocean_vpc.main.id
    default_gateway = true
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
