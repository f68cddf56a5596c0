resource "digitalocean_vpc" "main" {
  name     = "events-${var.instance_id}"
  region   = var.region
  ip_range = "10.30.0.0/16"
}

resource "digitalocean_database_cluster" "events" {
  name                 = "events-${var.instance_id}"
  engine               = "kafka"
  version              = "3.8"
  size                 = "gd-2vcpu-8gb"
  region               = var.region
  node_count           = 3
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_cluster" "search" {
  name                 = "search-${var.instance_id}"
  engine               = "opensearch"
  version              = "2"
  size                 = "m3-2vcpu-16gb"
  region               = var.region
  node_count           = 3
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.events.urn], [digitalocean_database_cluster.search.urn]])
}
