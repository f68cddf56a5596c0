locals {
  name = "billing-${var.environment}"
}

resource "digitalocean_database_cluster" "billing" {
  name             = "${local.name}-${var.instance_id}"
  engine           = "pg"
  version          = "16"
  size             = "db-s-2vcpu-4gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "51200"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "billing_user" {
  cluster_id = digitalocean_database_cluster.billing.id
  name       = "billing"
}

resource "digitalocean_container_registry" "appliance" {
  count                  = var.create_registry ? 1 : 0
  name                   = var.registry_name
  subscription_tier_slug = "basic"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.billing.urn]])
}
