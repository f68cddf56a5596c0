resource "digitalocean_droplet" "broker" {
  name   = "broker-${var.instance_id}"
  region = var.region
  size   = "s-1vcpu-1gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_firewall" "kafka" {
  name        = "kafka-${var.instance_id}"
  droplet_ids = [digitalocean_droplet.broker.id]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "22"
    source_addresses = var.vpc_cidr
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
  resources = flatten([[digitalocean_droplet.broker.urn]])
}
