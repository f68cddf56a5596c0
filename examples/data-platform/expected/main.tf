locals {
  prefix = "dp-${var.instance_id}"
  ports  = [9092, 9093]
}

resource "digitalocean_vpc" "data" {
  name     = local.prefix
  region   = var.region
  ip_range = "10.50.0.0/16"
}

resource "digitalocean_database_cluster" "warehouse" {
  name                 = "${local.prefix}-warehouse"
  engine               = "mysql"
  version              = "8"
  size                 = "so1_5-4vcpu-32gb"
  region               = var.region
  node_count           = 2
  private_network_uuid = digitalocean_vpc.data.id
  tags                 = ["instance-id:${var.instance_id}"]

  maintenance_window {
    day  = "Saturday"
    hour = "03:00"
  }
}

resource "digitalocean_database_db" "warehouse_db" {
  cluster_id = digitalocean_database_cluster.warehouse.id
  name       = "warehouse"
}

resource "digitalocean_database_user" "warehouse_user" {
  cluster_id = digitalocean_database_cluster.warehouse.id
  name       = "warehouse"
}

resource "digitalocean_database_cluster" "events" {
  name                 = "${local.prefix}-events"
  engine               = "mongodb"
  version              = "7.0"
  size                 = "so1_5-2vcpu-16gb"
  region               = var.region
  node_count           = 3
  private_network_uuid = digitalocean_vpc.data.id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "events_user" {
  cluster_id = digitalocean_database_cluster.events.id
  name       = "events"
}

resource "digitalocean_loadbalancer" "ingest" {
  name        = "${local.prefix}-ingest"
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
  name   = "${local.prefix}-archive"
  region = var.region

  lifecycle_rule {
    id      = "expire"
    enabled = true

    expiration {
      days = 365
    }
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.warehouse.urn], [digitalocean_database_cluster.events.urn], [digitalocean_loadbalancer.ingest.urn], [digitalocean_spaces_bucket.archive.urn]])
}
