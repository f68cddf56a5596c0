locals {
  db_endpoint = digitalocean_database_cluster.wordpress_db.host
}

resource "kubernetes_namespace_v1" "appliance" {
  metadata {
    name   = "appliance-${var.instance_id}"
    labels = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }
}

resource "kubernetes_secret_v1" "wordpress_db" {
  metadata {
    name      = "wordpress-db"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = digitalocean_database_cluster.wordpress_db.password
  }
}

resource "digitalocean_database_cluster" "wordpress_db" {
  name             = "wordpress-db-${var.instance_id}"
  engine           = "mysql"
  version          = "8"
  size             = "db-s-2vcpu-4gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "wordpress_db_db" {
  cluster_id = digitalocean_database_cluster.wordpress_db.id
  name       = "wordpress"
}

resource "digitalocean_database_user" "wordpress_db_user" {
  cluster_id = digitalocean_database_cluster.wordpress_db.id
  name       = "admin"
}

resource "digitalocean_droplet" "wp" {
  name      = "wp-${var.instance_id}"
  region    = var.region
  size      = "s-2vcpu-2gb"
  image     = "ubuntu-24-04-x64"
  user_data = templatefile("${path.module}/user_data.sh", { db_password = digitalocean_database_cluster.wordpress_db.password, db_host = local.db_endpoint })
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
  resources = flatten([[digitalocean_database_cluster.wordpress_db.urn], [digitalocean_droplet.wp.urn]])
}
