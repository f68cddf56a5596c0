resource "digitalocean_database_cluster" "events" {
  name       = "events-${var.instance_id}"
  engine     = "mysql"
  version    = "8"
  size       = "so1_5-2vcpu-16gb"
  region     = var.region
  node_count = 2
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "events_user" {
  cluster_id = digitalocean_database_cluster.events.id
  name       = "events"
}

resource "digitalocean_database_mysql_config" "cluster" {
  cluster_id               = digitalocean_database_cluster.events.id
  innodb_lock_wait_timeout = 20
  long_query_time          = 1
  slow_query_log           = true
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.events.urn]])
}
