resource "digitalocean_database_cluster" "aurora" {
  name       = "acme-aurora-${var.instance_id}"
  engine     = "pg"
  version    = "15"
  size       = "gd-4vcpu-16gb"
  region     = var.region
  node_count = 2
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "aurora_db" {
  cluster_id = digitalocean_database_cluster.aurora.id
  name       = "app"
}

resource "digitalocean_database_user" "aurora_user" {
  cluster_id = digitalocean_database_cluster.aurora.id
  name       = "root"
}

resource "digitalocean_database_firewall" "aurora" {
  cluster_id = digitalocean_database_cluster.aurora.id

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
  resources = flatten([[digitalocean_database_cluster.aurora.urn]])
}
