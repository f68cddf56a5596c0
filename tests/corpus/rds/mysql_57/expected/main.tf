resource "digitalocean_database_cluster" "wordpress" {
  name             = "wordpress-${var.instance_id}"
  engine           = "mysql"
  version          = "8"
  size             = "db-s-2vcpu-4gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "30720"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "wordpress_db" {
  cluster_id = digitalocean_database_cluster.wordpress.id
  name       = "wordpress"
}

resource "digitalocean_database_user" "wordpress_user" {
  cluster_id        = digitalocean_database_cluster.wordpress.id
  name              = "wp_admin"
  mysql_auth_plugin = "mysql_native_password"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.wordpress.urn]])
}
