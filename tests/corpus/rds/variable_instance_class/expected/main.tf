resource "digitalocean_database_cluster" "app" {
  name             = "${var.app_name}-${var.instance_id}"
  engine           = "pg"
  version          = "15"
  size             = "so1_5-2vcpu-16gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "51200"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "app_db" {
  cluster_id = digitalocean_database_cluster.app.id
  name       = var.app_name
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.app.urn]])
}
