resource "digitalocean_droplet" "app" {
  name     = "app-${var.instance_id}"
  region   = var.region
  size     = "s-2vcpu-2gb"
  image    = "ubuntu-24-04-x64"
  vpc_uuid = var.vpc_id
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_firewall" "app" {
  name        = "app-${var.instance_id}"
  droplet_ids = [digitalocean_droplet.app.id]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "443"
    source_addresses = ["0.0.0.0/0"]
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_droplet.app.urn]])
}
