resource "digitalocean_database_cluster" "webappdb" {
  name             = "webappdb-${var.instance_id}"
  engine           = "mysql"
  version          = "8"
  size             = "db-s-1vcpu-1gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "webappdb_db" {
  cluster_id = digitalocean_database_cluster.webappdb.id
  name       = "webappdb"
}

resource "digitalocean_database_user" "webappdb_user" {
  cluster_id = digitalocean_database_cluster.webappdb.id
  name       = "dbadmin"
}

resource "digitalocean_droplet" "app3" {
  name      = "app3-${var.instance_id}"
  region    = var.region
  size      = "s-1vcpu-1gb"
  image     = "ubuntu-24-04-x64"
  user_data = templatefile("app3-ums-install.tmpl", { rds_db_endpoint = digitalocean_database_cluster.webappdb.host })
  tags      = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.webappdb.urn], [digitalocean_droplet.app3.urn]])
}
