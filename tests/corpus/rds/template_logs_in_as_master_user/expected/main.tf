resource "digitalocean_database_cluster" "wordpress" {
  name             = "wordpress-${var.instance_id}"
  engine           = "mysql"
  version          = "8"
  size             = "db-s-1vcpu-1gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "wordpress_db" {
  cluster_id = digitalocean_database_cluster.wordpress.id
  name       = "wordpress"
}

resource "digitalocean_database_user" "wordpress_user" {
  cluster_id = digitalocean_database_cluster.wordpress.id
  name       = var.db_username
}

resource "digitalocean_droplet" "wordpress" {
  name      = "wordpress-${var.instance_id}"
  region    = var.region
  size      = "s-1vcpu-1gb"
  image     = "ubuntu-24-04-x64"
  user_data = templatefile("${path.module}/userdata.tpl", { random_pwd = digitalocean_database_user.wordpress_user.password, endpoint_rds = "${digitalocean_database_cluster.wordpress.host}:${digitalocean_database_cluster.wordpress.port}", db_name_rds = digitalocean_database_db.wordpress_db.name })
  tags      = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet" "admin" {
  name      = "admin-${var.instance_id}"
  region    = var.region
  size      = "s-1vcpu-1gb"
  image     = "ubuntu-24-04-x64"
  user_data = templatefile("${path.module}/admin.tpl", { db_user = digitalocean_database_cluster.wordpress.user, db_password = digitalocean_database_cluster.wordpress.password })
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
  resources = flatten([[digitalocean_database_cluster.wordpress.urn], [digitalocean_droplet.wordpress.urn], [digitalocean_droplet.admin.urn]])
}
