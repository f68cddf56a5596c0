resource "digitalocean_database_cluster" "search" {
  name       = "search-${var.instance_id}"
  engine     = "opensearch"
  version    = "2"
  size       = "gd-2vcpu-8gb"
  region     = var.region
  node_count = 3
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.search.urn]])
}
