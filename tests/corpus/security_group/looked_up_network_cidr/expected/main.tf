resource "digitalocean_droplet" "app" {
  name   = "app-${var.instance_id}"
  region = var.region
  size   = "s-2vcpu-2gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_cluster" "db" {
  name             = "app-${var.instance_id}"
  engine           = "pg"
  version          = "16"
  size             = "db-s-1vcpu-1gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "db_user" {
  cluster_id = digitalocean_database_cluster.db.id
  name       = "app"
}

resource "digitalocean_firewall" "app" {
  name        = "app-${var.instance_id}"
  droplet_ids = [digitalocean_droplet.app.id]

  inbound_rule {
    protocol    = "tcp"
    port_range  = "8080"
    source_tags = ["instance-id:${var.instance_id}"]
  }

  inbound_rule {
    protocol         = "tcp"
    port_range       = "22"
    source_addresses = ["203.0.113.0/24"]
    source_tags      = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_database_firewall" "db" {
  cluster_id = digitalocean_database_cluster.db.id

  rule {
    type  = "tag"
    value = "instance-id:${var.instance_id}"
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
  resources = flatten([[digitalocean_droplet.app.urn], [digitalocean_database_cluster.db.urn]])
}
