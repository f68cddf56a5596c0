resource "digitalocean_database_cluster" "db" {
  name       = "dogs-${var.instance_id}"
  engine     = "pg"
  version    = "15"
  size       = "db-s-2vcpu-4gb"
  region     = var.region
  node_count = 1
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "db_db" {
  cluster_id = digitalocean_database_cluster.db.id
  name       = "dogs"
}

resource "digitalocean_database_user" "db_user" {
  cluster_id = digitalocean_database_cluster.db.id
  name       = "lambda_user"
}

resource "digitalocean_database_connection_pool" "secret" {
  cluster_id = digitalocean_database_cluster.db.id
  name       = "dogs-secret-${var.instance_id}"
  mode       = "transaction"
  size       = 48
  db_name    = digitalocean_database_db.db_db.name
  user       = digitalocean_database_user.db_user.name
}

resource "digitalocean_database_connection_pool" "iam" {
  cluster_id = digitalocean_database_cluster.db.id
  name       = "dogs-iam-${var.instance_id}"
  mode       = "transaction"
  size       = 48
  db_name    = digitalocean_database_db.db_db.name
  user       = digitalocean_database_user.db_user.name
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.db.urn]])
}
