resource "digitalocean_vpc" "vpc" {
  name     = "acme-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_database_cluster" "db" {
  name                 = "acme-db-${var.instance_id}"
  engine               = "pg"
  version              = "16"
  size                 = "gd-2vcpu-8gb"
  region               = var.region
  node_count           = 2
  storage_size_mib     = "102400"
  private_network_uuid = digitalocean_vpc.vpc.id
  tags                 = ["instance-id:${var.instance_id}"]

  maintenance_window {
    day  = "Monday"
    hour = "00:00"
  }

  storage_autoscale {
    enabled = true
  }
}

resource "digitalocean_database_db" "db_db" {
  cluster_id = digitalocean_database_cluster.db.id
  name       = "app"
}

resource "digitalocean_database_user" "db_user" {
  cluster_id = digitalocean_database_cluster.db.id
  name       = "app"
}

resource "digitalocean_database_firewall" "db" {
  cluster_id = digitalocean_database_cluster.db.id

  dynamic "rule" {
    for_each = toset(split(",", digitalocean_vpc.vpc.ip_range))

    content {
      type  = "ip_addr"
      value = rule.value
    }
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
  resources = flatten([[digitalocean_database_cluster.db.urn]])
}
