locals {
  prefix = "orders-${var.instance_id}"
}

data "digitalocean_vpc" "shared_default" {
  region = var.region
}

resource "digitalocean_nfs" "shared" {
  name   = "${local.prefix}-shared"
  region = var.region
  size   = var.shared_nfs_size_gib
  tags   = ["instance-id:${var.instance_id}"]
  vpc_id = data.digitalocean_vpc.shared_default.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
