resource "digitalocean_droplet" "app" {
  count    = var.instance_count
  name     = "${var.name}-app-${count.index}-${var.instance_id}"
  region   = var.region
  size     = "s-2vcpu-4gb"
  image    = "ubuntu-24-04-x64"
  vpc_uuid = var.vpc_id
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_firewall" "app" {
  name        = "${var.name}-app-${var.instance_id}"
  droplet_ids = digitalocean_droplet.app[*].id

  inbound_rule {
    protocol         = "tcp"
    port_range       = "3000"
    source_addresses = ["10.30.0.0/16"]
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([digitalocean_droplet.app[*].urn])
}
