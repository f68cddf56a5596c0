resource "digitalocean_database_cluster" "db2" {
  name                 = "db2-${var.instance_id}"
  engine               = "pg"
  version              = "16"
  size                 = "db-s-1vcpu-1gb"
  region               = var.region
  node_count           = 1
  storage_size_mib     = "20480"
  private_network_uuid = var.vpc_id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "db2_user" {
  cluster_id = digitalocean_database_cluster.db2.id
  name       = "app"
}

resource "digitalocean_database_firewall" "db2" {
  cluster_id = digitalocean_database_cluster.db2.id

  rule {
    type  = "tag"
    value = "instance-id:${var.instance_id}"
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_database_cluster.db2.urn]])
}
