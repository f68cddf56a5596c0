resource "digitalocean_database_cluster" "catalog" {
  name             = "catalog-${var.instance_id}"
  engine           = "mysql"
  version          = "8"
  size             = "db-s-1vcpu-2gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "catalog_user" {
  cluster_id = digitalocean_database_cluster.catalog.id
  name       = "admin"
}

resource "digitalocean_database_cluster" "orders" {
  name             = "orders-${var.instance_id}"
  engine           = "mysql"
  version          = "8"
  size             = "db-s-1vcpu-2gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "orders_user" {
  cluster_id = digitalocean_database_cluster.orders.id
  name       = "admin"
}

resource "digitalocean_database_mysql_config" "mysql_catalog" {
  cluster_id         = digitalocean_database_cluster.catalog.id
  sql_mode           = "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION"
  long_query_time    = 0.5
  slow_query_log     = true
  max_allowed_packet = 67108864
  default_time_zone  = "Europe/Berlin"
  wait_timeout       = 28800
}

resource "digitalocean_database_mysql_config" "mysql_orders" {
  cluster_id         = digitalocean_database_cluster.orders.id
  sql_mode           = "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION"
  long_query_time    = 0.5
  slow_query_log     = true
  max_allowed_packet = 67108864
  default_time_zone  = "Europe/Berlin"
  wait_timeout       = 28800
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.catalog.urn], [digitalocean_database_cluster.orders.urn]])
}
