resource "digitalocean_database_cluster" "orders" {
  name             = "orders-${var.instance_id}"
  engine           = "pg"
  version          = "16"
  size             = "db-s-2vcpu-4gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "51200"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "orders_db" {
  cluster_id = digitalocean_database_cluster.orders.id
  name       = "orders"
}

resource "digitalocean_database_user" "orders_user" {
  cluster_id = digitalocean_database_cluster.orders.id
  name       = "orders"
}

resource "digitalocean_database_postgresql_config" "pg" {
  cluster_id                 = digitalocean_database_cluster.orders.id
  log_min_duration_statement = 500
  work_mem                   = 64
  track_io_timing            = "on"
  pg_stat_statements_track   = "all"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.orders.urn]])
}
