resource "digitalocean_database_cluster" "analytics" {
  name             = "analytics-${var.instance_id}"
  engine           = "pg"
  version          = "15"
  size             = "so1_5-4vcpu-32gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "204800"
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
  resources = flatten([[digitalocean_database_cluster.analytics.urn]])
}
