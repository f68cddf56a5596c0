locals {
  sg_name = join("-", ["acme-prod-webapp", "sg"])
}

resource "digitalocean_spaces_bucket" "assets" {
  name   = "acme-prod-webapp-${var.instance_id}"
  region = var.region
}

resource "digitalocean_database_cluster" "db" {
  name             = "acme-prod-webapp-db-${var.instance_id}"
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

resource "digitalocean_database_cluster" "cache" {
  name            = "${join("-", compact(["acme", lower(replace(var.stage, "/[^-a-zA-Z0-9]/", "")), "cache", "a-b"]))}-${var.instance_id}"
  engine          = "valkey"
  version         = "8"
  size            = "db-s-1vcpu-1gb"
  region          = var.region
  node_count      = 1
  eviction_policy = "volatile_lru"
  tags            = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.assets.urn], [digitalocean_database_cluster.db.urn], [digitalocean_database_cluster.cache.urn]])
}
