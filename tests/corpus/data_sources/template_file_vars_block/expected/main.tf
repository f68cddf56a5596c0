data "template_file" "init" {
  template = file("${path.module}/init.tpl")
  vars     = {
    db_host = digitalocean_database_cluster.app.host
    db_name = "app"
  }
}

resource "digitalocean_database_cluster" "app" {
  name             = "app-${var.instance_id}"
  engine           = "mysql"
  version          = "8"
  size             = "db-s-1vcpu-1gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "app_user" {
  cluster_id = digitalocean_database_cluster.app.id
  name       = "app"
}

resource "digitalocean_droplet" "web" {
  name      = "web-${var.instance_id}"
  region    = var.region
  size      = "s-1vcpu-1gb"
  image     = "ubuntu-24-04-x64"
  user_data = data.template_file.init.rendered
  tags      = ["instance-id:${var.instance_id}"]
}

resource "null_resource" "migrate" {
  triggers = {
    db = digitalocean_database_cluster.app.id
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.app.urn], [digitalocean_droplet.web.urn]])
}
