resource "digitalocean_database_cluster" "this" {
  name       = var.cluster_name
  engine     = "kafka"
  version    = "3.8"
  size       = "gd-2vcpu-8gb"
  region     = var.region
  node_count = 3
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_database_cluster.this.urn]])
}
