resource "digitalocean_droplet" "web" {
  name   = "web-${var.instance_id}"
  region = var.region
  size   = "s-2vcpu-2gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_firewall" "web" {
  name        = "web-${var.instance_id}"
  droplet_ids = [digitalocean_droplet.web.id]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "80"
    source_addresses = ["0.0.0.0/0"]
  }

  outbound_rule {
    protocol              = "tcp"
    port_range            = "1-65535"
    destination_addresses = ["0.0.0.0/0"]
  }

  outbound_rule {
    protocol              = "udp"
    port_range            = "1-65535"
    destination_addresses = ["0.0.0.0/0"]
  }

  outbound_rule {
    protocol              = "icmp"
    destination_addresses = ["0.0.0.0/0"]
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_droplet.web.urn]])
}
