resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_nfs" "wp" {
  name   = "wordpress-efs-${var.instance_id}"
  region = var.region
  size   = var.wp_nfs_size_gib
  tags   = ["instance-id:${var.instance_id}"]
  vpc_id = digitalocean_vpc.main.id
}

resource "digitalocean_droplet_autoscale" "wp" {
  name = "wordpress-${var.instance_id}"

  config {
    target_number_instances = 2
  }

  droplet_template {
    size      = "s-2vcpu-2gb"
    region    = var.region
    image     = "ubuntu-24-04-x64"
    ssh_keys  = []
    user_data = <<-EOT
#!/bin/bash
apt-get install -y nfs-common apache2 php
mount -t nfs4 -o nfsvers=4.1 ${digitalocean_nfs.wp.host}:${digitalocean_nfs.wp.mount_path} /var/www/html/wp-content
EOT
    vpc_uuid           = digitalocean_vpc.main.id
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}", "pool:wordpress-${var.instance_id}"]
  }
}

resource "digitalocean_firewall" "app" {
  name = "wordpress-app-${var.instance_id}"
  tags = ["pool:wordpress-${var.instance_id}"]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "80"
    source_addresses = [digitalocean_vpc.main.ip_range]
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
