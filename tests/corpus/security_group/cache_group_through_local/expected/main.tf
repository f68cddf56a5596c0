resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_database_cluster" "this" {
  name                 = "cache-${var.instance_id}"
  engine               = "valkey"
  version              = "8"
  size                 = "db-s-1vcpu-2gb"
  region               = var.region
  node_count           = 1
  private_network_uuid = digitalocean_vpc.main.id
  eviction_policy      = "volatile_lru"
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_firewall" "this" {
  cluster_id = digitalocean_database_cluster.this.id

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
  resources = flatten([[digitalocean_database_cluster.this.urn]])
}
