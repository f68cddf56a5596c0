data "digitalocean_vpc" "shared_default" {
  region = var.region
}

data "template_file" "init" {
  template = file("${path.module}/init.sh.tpl")
  vars     = {
    efs_id = digitalocean_nfs.shared.id
  }
}

resource "digitalocean_nfs" "shared" {
  name   = "shared-${var.instance_id}"
  region = var.region
  size   = var.shared_nfs_size_gib
  tags   = ["instance-id:${var.instance_id}"]
  vpc_id = data.digitalocean_vpc.shared_default.id
}

resource "digitalocean_droplet" "app" {
  name      = "app-${var.instance_id}"
  region    = var.region
  size      = "s-2vcpu-2gb"
  image     = "ubuntu-24-04-x64"
  user_data = data.template_file.init.rendered
  tags      = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet" "worker" {
  name      = "worker-${var.instance_id}"
  region    = var.region
  size      = "s-2vcpu-2gb"
  image     = "ubuntu-24-04-x64"
  user_data = <<-EOT
#!/bin/bash
apt-get update && apt-get install -y nfs-common
EOT
  tags = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.app.urn], [digitalocean_droplet.worker.urn]])
}
