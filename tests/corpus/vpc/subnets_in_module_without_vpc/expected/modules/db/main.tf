resource "digitalocean_database_cluster" "default" {
  name                 = "default-${var.instance_id}"
  engine               = "mysql"
  version              = "8"
  size                 = "db-s-1vcpu-1gb"
  region               = var.region
  node_count           = 1
  storage_size_mib     = "10240"
  private_network_uuid = try(var.private_subnet_1_id[0], var.private_subnet_1_id)
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "default_db" {
  cluster_id = digitalocean_database_cluster.default.id
  name       = "mydb"
}

resource "digitalocean_database_user" "default_user" {
  cluster_id = digitalocean_database_cluster.default.id
  name       = "app"
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_database_cluster.default.urn]])
}
