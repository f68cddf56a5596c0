locals {
  redis_host = digitalocean_database_cluster.mastodon.host
  redis_port = digitalocean_database_cluster.mastodon.port
}

resource "digitalocean_database_cluster" "mastodon" {
  name            = "${var.base_name}-${var.instance_id}"
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
  resources = flatten([[digitalocean_database_cluster.mastodon.urn]])
}
