locals {
  name = "billing-${var.instance_id}"
}

resource "digitalocean_vpc" "main" {
  name     = local.name
  region   = var.region
  ip_range = "10.20.0.0/16"
}

resource "digitalocean_database_cluster" "main" {
  name                 = local.name
  engine               = "pg"
  version              = "16"
  size                 = "gd-2vcpu-8gb"
  region               = var.region
  node_count           = 2
  storage_size_mib     = "102400"
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]

  maintenance_window {
    day  = "Sunday"
    hour = "05:00"
  }

  storage_autoscale {
    enabled = true
  }
}

resource "digitalocean_database_db" "main_db" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "billing"
}

resource "digitalocean_database_user" "main_user" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "billing_app"
}

resource "digitalocean_database_postgresql_config" "pg16" {
  cluster_id                 = digitalocean_database_cluster.main.id
  log_min_duration_statement = 500
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.main.urn]])
}
