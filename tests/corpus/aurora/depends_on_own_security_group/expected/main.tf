resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_database_cluster" "main" {
  name                 = "shop-${var.instance_id}"
  engine               = "pg"
  version              = "16"
  size                 = "so1_5-2vcpu-16gb"
  region               = var.region
  node_count           = 1
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]
  depends_on           = [digitalocean_vpc.main]
}

resource "digitalocean_database_db" "main_db" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "shop"
  depends_on = [digitalocean_vpc.main, digitalocean_database_firewall.main]
}

resource "digitalocean_database_user" "main_user" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "shop"
  depends_on = [digitalocean_vpc.main, digitalocean_database_firewall.main]
}

resource "digitalocean_database_firewall" "main" {
  cluster_id = digitalocean_database_cluster.main.id

  rule {
    type  = "ip_addr"
    value = "10.0.0.0/16"
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
  resources = flatten([[digitalocean_database_cluster.main.urn]])
}
