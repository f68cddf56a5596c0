resource "digitalocean_database_cluster" "primary" {
  name       = "primary-${var.instance_id}"
  engine     = "pg"
  version    = "15"
  size       = "so1_5-2vcpu-16gb"
  region     = var.region
  node_count = 1
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "primary_db" {
  cluster_id = digitalocean_database_cluster.primary.id
  name       = "example_db"
}

resource "digitalocean_database_user" "primary_user" {
  cluster_id = digitalocean_database_cluster.primary.id
  name       = "username"
}

resource "digitalocean_database_replica" "secondary" {
  cluster_id = digitalocean_database_cluster.primary.id
  name       = "secondary-${var.instance_id}"
  size       = "so1_5-2vcpu-16gb"
  region     = var.region
  tags       = ["instance-id:${var.instance_id}"]
  depends_on = [digitalocean_database_cluster.primary]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.primary.urn]])
}
