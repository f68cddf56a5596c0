resource "digitalocean_database_cluster" "this" {
  name            = var.name
  engine          = "valkey"
  version         = "8"
  size            = "db-s-1vcpu-2gb"
  region          = var.region
  node_count      = 1
  eviction_policy = "volatile_lru"
  tags            = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_database_cluster.this.urn]])
}
