resource "digitalocean_vpc" "main" {
  name     = "content-${var.instance_id}"
  region   = var.region
  ip_range = "172.16.0.0/16"
}

resource "digitalocean_database_cluster" "content" {
  name                 = "content-${var.instance_id}"
  engine               = "mongodb"
  version              = "7.0"
  size                 = "so1_5-2vcpu-16gb"
  region               = var.region
  node_count           = 3
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]

  maintenance_window {
    day  = "Saturday"
    hour = "22:00"
  }
}

resource "digitalocean_database_user" "content_user" {
  cluster_id = digitalocean_database_cluster.content.id
  name       = "content"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.content.urn]])
}
