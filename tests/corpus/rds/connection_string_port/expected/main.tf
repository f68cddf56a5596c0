locals {
  database_url = "postgresql://app@${digitalocean_database_cluster.db.host}:${digitalocean_database_cluster.db.port}/app?sslmode=require"
}

resource "digitalocean_database_cluster" "db" {
  name             = "app-${var.instance_id}"
  engine           = "pg"
  version          = "16"
  size             = "db-s-1vcpu-1gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "db_db" {
  cluster_id = digitalocean_database_cluster.db.id
  name       = "app"
}

resource "digitalocean_database_user" "db_user" {
  cluster_id = digitalocean_database_cluster.db.id
  name       = "app"
}

resource "digitalocean_database_cluster" "cache" {
  name            = "cache-${var.instance_id}"
  engine          = "valkey"
  version         = "8"
  size            = "db-s-1vcpu-2gb"
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
  resources = flatten([[digitalocean_database_cluster.db.urn], [digitalocean_database_cluster.cache.urn]])
}
