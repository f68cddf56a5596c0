resource "digitalocean_droplet" "app" {
  name      = "app-${var.instance_id}"
  region    = var.region
  size      = "s-2vcpu-2gb"
  image     = "ubuntu-24-04-x64"
  user_data = "#!/bin/bash\napt-get update && apt-get install -y nginx\n"
  tags      = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet_autoscale" "app_asg" {
  name = "app-asg-${var.instance_id}"

  config {
    target_number_instances = 2
  }

  droplet_template {
    size               = "s-2vcpu-2gb"
    region             = var.region
    image              = digitalocean_droplet_snapshot.ami.id
    ssh_keys           = []
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_droplet_snapshot" "ami" {
  name       = "ami-from-instance-${var.instance_id}"
  droplet_id = digitalocean_droplet.app.id
  depends_on = [digitalocean_droplet.app]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.app.urn]])
}
