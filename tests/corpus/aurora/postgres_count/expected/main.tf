locals {
  name = "ledger-${var.instance_id}"
}

resource "digitalocean_vpc" "this" {
  name     = local.name
  region   = var.region
  ip_range = "10.40.0.0/16"
}

resource "digitalocean_database_cluster" "ledger" {
  name                 = local.name
  engine               = "pg"
  version              = "15"
  size                 = "so1_5-2vcpu-16gb"
  region               = var.region
  node_count           = 2
  private_network_uuid = digitalocean_vpc.this.id
  tags                 = ["instance-id:${var.instance_id}"]

  maintenance_window {
    day  = "Tuesday"
    hour = "03:00"
  }
}

resource "digitalocean_database_db" "ledger_db" {
  cluster_id = digitalocean_database_cluster.ledger.id
  name       = "ledger"
}

resource "digitalocean_database_user" "ledger_user" {
  cluster_id = digitalocean_database_cluster.ledger.id
  name       = "ledger_admin"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.ledger.urn]])
}
