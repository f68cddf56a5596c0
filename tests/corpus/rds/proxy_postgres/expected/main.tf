resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_database_cluster" "this" {
  name                 = "shop-${var.instance_id}"
  engine               = "pg"
  version              = "16"
  size                 = "so1_5-2vcpu-16gb"
  region               = var.region
  node_count           = 1
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "this_db" {
  cluster_id = digitalocean_database_cluster.this.id
  name       = "shop"
}

resource "digitalocean_database_user" "this_user" {
  cluster_id = digitalocean_database_cluster.this.id
  name       = "shop"
}

resource "digitalocean_database_connection_pool" "this" {
  cluster_id = digitalocean_database_cluster.this.id
  name       = "shop-proxy-${var.instance_id}"
  mode       = "transaction"
  size       = 198
  db_name    = digitalocean_database_db.this_db.name
  user       = digitalocean_database_user.this_user.name
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.this.urn]])
}
