resource "digitalocean_database_cluster" "sps_db" {
  name             = "sps-db-${var.instance_id}"
  engine           = "pg"
  version          = "16"
  size             = "gd-2vcpu-8gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "102400"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "sps_db_db" {
  cluster_id = digitalocean_database_cluster.sps_db.id
  name       = "sps_db"
}

resource "digitalocean_database_user" "sps_db_user" {
  cluster_id = digitalocean_database_cluster.sps_db.id
  name       = "sps_db_user"
}

resource "digitalocean_database_firewall" "sps_db" {
  cluster_id = digitalocean_database_cluster.sps_db.id

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
  resources = flatten([[digitalocean_database_cluster.sps_db.urn]])
}
