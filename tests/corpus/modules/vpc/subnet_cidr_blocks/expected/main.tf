resource "digitalocean_vpc" "vpc" {
  name     = "stocks-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_database_cluster" "stocks" {
  name                 = "stocks-${var.instance_id}"
  engine               = "mysql"
  version              = "8"
  size                 = "db-s-1vcpu-1gb"
  region               = var.region
  node_count           = 1
  storage_size_mib     = "20480"
  private_network_uuid = digitalocean_vpc.vpc.id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "stocks_user" {
  cluster_id = digitalocean_database_cluster.stocks.id
  name       = "admin"
}

resource "digitalocean_database_firewall" "stocks" {
  cluster_id = digitalocean_database_cluster.stocks.id

  rule {
    type  = "ip_addr"
    value = digitalocean_vpc.vpc.ip_range
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
  resources = flatten([[digitalocean_database_cluster.stocks.urn]])
}
