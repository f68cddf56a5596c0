resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_droplet" "front" {
  name     = "front-${var.instance_id}"
  region   = var.region
  size     = "s-1vcpu-1gb"
  image    = "ubuntu-24-04-x64"
  vpc_uuid = digitalocean_vpc.main.id
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet" "back" {
  name     = "back-${var.instance_id}"
  region   = var.region
  size     = "s-1vcpu-1gb"
  image    = "ubuntu-24-04-x64"
  vpc_uuid = digitalocean_vpc.main.id
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet" "worker" {
  name              = "worker-${var.instance_id}"
  region            = var.region
  size              = "s-1vcpu-1gb"
  image             = "ubuntu-24-04-x64"
  vpc_uuid          = digitalocean_vpc.main.id
  public_networking = false
  tags              = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_firewall" "web" {
  name        = "web-${var.instance_id}"
  droplet_ids = [digitalocean_droplet.front.id, digitalocean_droplet.back.id, digitalocean_droplet.worker.id]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "80"
    source_addresses = ["0.0.0.0/0"]
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
  resources = flatten([[digitalocean_droplet.front.urn], [digitalocean_droplet.back.urn], [digitalocean_droplet.worker.urn]])
}
