data "template_file" "user_data" {
  template = file("${path.module}/user-data.sh")
  vars     = {
    server_port = var.server_port
    db_address  = var.db_address
    db_port     = var.db_port
  }
}

resource "digitalocean_droplet" "web" {
  name      = "web-${var.instance_id}"
  region    = var.region
  size      = "s-1vcpu-1gb"
  image     = "ubuntu-24-04-x64"
  user_data = data.template_file.user_data.rendered
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
  resources = flatten([[digitalocean_droplet.web.urn]])
}
