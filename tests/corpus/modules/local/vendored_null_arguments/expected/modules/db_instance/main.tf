locals {
  is_mssql = element(split("-", var.engine), 0) == "sqlserver"
}

resource "digitalocean_database_cluster" "this" {
  count            = var.create && false == local.is_mssql ? 1 : 0
  name             = var.identifier
  engine           = "pg"
  version          = "15"
  size             = "db-s-4vcpu-8gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "this_user" {
  count      = var.create && false == local.is_mssql ? 1 : 0
  cluster_id = digitalocean_database_cluster.this[count.index].id
  name       = var.username
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([digitalocean_database_cluster.this[*].urn])
}
