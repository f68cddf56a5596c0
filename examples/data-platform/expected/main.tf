locals {
  prefix = "dp-${var.instance_id}"
  ports  = [9092, 9093]
}

resource "digitalocean_vpc" "data" {
  name     = "${local.prefix}-${var.instance_id}"
  region   = var.region
  ip_range = "10.50.0.0/16"
}

resource "digitalocean_loadbalancer" "ingest" {
  name        = "${local.prefix}-ingest-${var.instance_id}"
  type        = "REGIONAL_NETWORK"
  region      = var.region
  vpc_uuid    = digitalocean_vpc.data.id
  droplet_ids = null

  forwarding_rule {
    entry_protocol  = "tcp"
    entry_port      = 9092
    target_protocol = "tcp"
    target_port     = 9092
  }

  healthcheck {
    protocol               = "tcp"
    port                   = 9092
    check_interval_seconds = 10
  }
}

resource "digitalocean_spaces_bucket" "archive" {
  name   = "${local.prefix}-archive-${var.instance_id}"
  region = var.region
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "Production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_loadbalancer.ingest.urn], [digitalocean_spaces_bucket.archive.urn]])
}
