resource "digitalocean_database_cluster" "main" {
  name       = "aurora-postgresql-${var.instance_id}"
  engine     = "pg"
  version    = "16"
  size       = "db-s-1vcpu-2gb"
  region     = var.region
  node_count = 1
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "main_db" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "ecommerce"
}

resource "digitalocean_database_user" "main_user" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "postgres"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.main.urn]])
}
