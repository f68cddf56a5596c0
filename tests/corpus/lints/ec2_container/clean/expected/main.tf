resource "digitalocean_droplet" "bastion" {
  name      = "bastion-${var.instance_id}"
  region    = var.region
  size      = "s-1vcpu-1gb"
  image     = "ubuntu-24-04-x64"
  user_data = <<-EOT
#!/bin/bash
dnf install -y amazon-ssm-agent fail2ban
systemctl enable --now fail2ban
EOT
  tags = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet" "build" {
  name      = "build-${var.instance_id}"
  region    = var.region
  size      = "c-8"
  image     = "ubuntu-24-04-x64"
  user_data = file("${path.module}/scripts/build-agent.sh")
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
  resources = flatten([[digitalocean_droplet.bastion.urn], [digitalocean_droplet.build.urn]])
}
