resource "digitalocean_database_cluster" "app" {
  name             = "shop-${var.instance_id}"
  engine           = "pg"
  version          = "16"
  size             = "db-s-2vcpu-4gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "app_user" {
  cluster_id = digitalocean_database_cluster.app.id
  name       = "shop"
}

resource "digitalocean_database_cluster" "sessions" {
  name            = "shop-${var.instance_id}-sessions"
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
  resources = flatten([[digitalocean_database_cluster.app.urn], [digitalocean_database_cluster.sessions.urn]])
}
