resource "digitalocean_database_cluster" "main" {
  name             = "crm-${var.instance_id}"
  engine           = "mysql"
  version          = "8"
  size             = "so1_5-2vcpu-16gb"
  region           = var.region
  node_count       = 2
  storage_size_mib = "102400"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "main_db" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "crm"
}

resource "digitalocean_database_replica" "reporting" {
  cluster_id       = digitalocean_database_cluster.main.id
  name             = "crm-reporting-${var.instance_id}"
  size             = "so1_5-2vcpu-16gb"
  region           = var.region
  storage_size_mib = "102400"
  tags             = ["instance-id:${var.instance_id}"]
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
