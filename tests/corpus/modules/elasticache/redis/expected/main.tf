resource "digitalocean_database_cluster" "cache" {
  name            = "acme-cache-${var.instance_id}"
  engine          = "valkey"
  version         = "8"
  size            = "m-2vcpu-16gb"
  region          = var.region
  node_count      = 2
  eviction_policy = "volatile_lru"
  tags            = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_firewall" "cache" {
  cluster_id = digitalocean_database_cluster.cache.id

  rule {
    type  = "ip_addr"
    value = "10.0.0.0/16"
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.cache.urn]])
}
