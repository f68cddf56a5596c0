resource "digitalocean_database_cluster" "cloudacademy" {
  name       = "cloudacademy-${var.instance_id}"
  engine     = "mysql"
  version    = "8"
  size       = "so1_5-2vcpu-16gb"
  region     = var.region
  node_count = 1
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "cloudacademy_db" {
  cluster_id = digitalocean_database_cluster.cloudacademy.id
  name       = var.db_name
}

resource "digitalocean_database_user" "cloudacademy_user" {
  cluster_id = digitalocean_database_cluster.cloudacademy.id
  name       = var.master_username
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_database_cluster.cloudacademy.urn]])
}
