locals {
  name = "shop-${var.instance_id}"
}

resource "digitalocean_vpc" "main" {
  name     = local.name
  region   = var.region
  ip_range = var.vpc_cidr
}

resource "digitalocean_vpc_nat_gateway" "main" {
  name   = "${local.name}-nat"
  type   = "PUBLIC"
  region = var.region
  size   = 1

  vpcs {
    vpc_uuid        = digitalocean_vpc.main.id
    default_gateway = true
  }

  depends_on = [digitalocean_vpc.main]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
