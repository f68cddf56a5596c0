resource "digitalocean_vpc" "main" {
  name     = "web-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_ssh_key" "deployer" {
  name       = "deployer-${var.instance_id}"
  public_key = var.ssh_public_key
}

resource "digitalocean_droplet" "web" {
  name      = "web-${var.instance_id}"
  region    = var.region
  size      = "s-2vcpu-2gb"
  image     = "ubuntu-22-04-x64"
  vpc_uuid  = digitalocean_vpc.main.id
  ssh_keys  = [digitalocean_ssh_key.deployer.fingerprint]
  user_data = <<-EOT
#!/bin/bash
apt-get update
apt-get install -y nginx
systemctl enable --now nginx
EOT
  monitoring = true
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_reserved_ip" "web" {
  region     = var.region
  droplet_id = digitalocean_droplet.web.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.web.urn], [digitalocean_reserved_ip.web.urn]])
}
