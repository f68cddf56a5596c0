resource "digitalocean_vpc" "vpc" {
  name     = "ops-${var.instance_id}"
  region   = var.region
  ip_range = "10.40.0.0/16"
}

resource "digitalocean_ssh_key" "key" {
  name       = "ops-${var.instance_id}"
  public_key = tls_private_key.key.public_key_openssh
}

resource "tls_private_key" "key" {
  algorithm = "RSA"
  rsa_bits  = 4096
}

resource "digitalocean_droplet" "bastion" {
  name      = "bastion-${var.instance_id}"
  region    = var.region
  size      = "s-2vcpu-2gb"
  image     = "ubuntu-24-04-x64"
  vpc_uuid  = digitalocean_vpc.vpc.id
  ssh_keys  = [digitalocean_ssh_key.key.fingerprint]
  user_data = "#!/bin/bash\napt-get update -y\n"
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
  resources = flatten([[digitalocean_droplet.bastion.urn]])
}
