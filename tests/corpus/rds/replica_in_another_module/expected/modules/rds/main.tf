locals {
  arn = digitalocean_database_cluster.main.urn
}

resource "digitalocean_database_cluster" "main" {
  name             = "shop-${var.instance_id}"
  engine           = "pg"
  version          = "16"
  size             = "gd-2vcpu-8gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_database_cluster.main.urn]])
}
