resource "digitalocean_database_cluster" "this" {
  name                 = "app-${var.instance_id}"
  engine               = "pg"
  version              = "16"
  size                 = "db-s-1vcpu-1gb"
  region               = var.region
  node_count           = 1
  storage_size_mib     = "20480"
  private_network_uuid = try(var.subnet_ids[0], var.subnet_ids)
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "this_user" {
  cluster_id = digitalocean_database_cluster.this.id
  name       = "app"
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_database_cluster.this.urn]])
}
