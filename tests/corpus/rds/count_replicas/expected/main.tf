resource "digitalocean_database_cluster" "primary" {
  name             = "catalog-${var.instance_id}"
  engine           = "pg"
  version          = "17"
  size             = "gd-4vcpu-16gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "204800"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "primary_user" {
  cluster_id = digitalocean_database_cluster.primary.id
  name       = "catalog"
}

resource "digitalocean_database_replica" "replica" {
  count      = var.replica_count
  cluster_id = digitalocean_database_cluster.primary.id
  name       = "catalog-replica-${count.index}-${var.instance_id}"
  size       = "gd-2vcpu-8gb"
  region     = var.region
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
  resources = flatten([[digitalocean_database_cluster.primary.urn]])
}
