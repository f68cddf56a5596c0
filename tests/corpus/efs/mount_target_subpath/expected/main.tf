resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_nfs" "shared" {
  name   = "uploads-${var.instance_id}"
  region = var.region
  size   = var.shared_nfs_size_gib
  tags   = ["instance-id:${var.instance_id}"]
  vpc_id = digitalocean_vpc.main.id
}

resource "digitalocean_droplet" "app" {
  name      = "app-${var.instance_id}"
  region    = var.region
  size      = "s-2vcpu-2gb"
  image     = "ubuntu-24-04-x64"
  vpc_uuid  = digitalocean_vpc.main.id
  user_data = <<-EOT
#!/bin/bash
apt-get update && apt-get install -y nfs-common
mkdir -p /srv/uploads
mount -t nfs4 ${digitalocean_nfs.shared.host}:${digitalocean_nfs.shared.mount_path}/uploads /srv/uploads
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
  resources = flatten([[digitalocean_droplet.app.urn]])
}
