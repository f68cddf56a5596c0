resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_database_cluster" "master" {
  name                 = "shop-${var.instance_id}"
  engine               = "mysql"
  version              = "8"
  size                 = "db-s-1vcpu-1gb"
  region               = var.region
  node_count           = 1
  storage_size_mib     = "10240"
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "master_user" {
  cluster_id = digitalocean_database_cluster.master.id
  name       = "shop"
}

resource "digitalocean_database_firewall" "master" {
  cluster_id = digitalocean_database_cluster.master.id

  rule {
    type  = "ip_addr"
    value = digitalocean_vpc.main.ip_range
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
  resources = flatten([[digitalocean_database_cluster.master.urn]])
}
