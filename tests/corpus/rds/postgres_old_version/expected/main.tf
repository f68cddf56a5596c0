resource "digitalocean_database_cluster" "legacy" {
  name             = "legacy-reports-${var.instance_id}"
  engine           = "pg"
  version          = "15"
  size             = "db-s-1vcpu-2gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "51200"
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
  resources = flatten([[digitalocean_database_cluster.legacy.urn]])
}
