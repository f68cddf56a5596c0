resource "digitalocean_droplet" "bastion" {
  name   = "bastion-${var.instance_id}"
  region = var.region
  size   = "s-1vcpu-512mb-10gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet" "app" {
  for_each = toset(["blue", "green"])
  name     = "app-${each.key}-${var.instance_id}"
  region   = var.region
  size     = "g-2vcpu-8gb"
  image    = "ubuntu-24-04-x64"
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet" "lb" {
  name   = "haproxy-${var.instance_id}"
  region = var.region
  size   = "c-2"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_firewall" "lb" {
  name        = "lb-${var.instance_id}"
  droplet_ids = [digitalocean_droplet.lb.id]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "443"
    source_addresses = ["0.0.0.0/0", "::/0"]
  }

  outbound_rule {
    protocol                = "tcp"
    port_range              = "8080-8443"
    destination_droplet_ids = values(digitalocean_droplet.app)[*].id
  }
}

resource "digitalocean_firewall" "app" {
  name        = "app-${var.instance_id}"
  droplet_ids = values(digitalocean_droplet.app)[*].id

  inbound_rule {
    protocol           = "tcp"
    port_range         = "8080"
    source_droplet_ids = [digitalocean_droplet.lb.id]
  }

  inbound_rule {
    protocol           = "tcp"
    port_range         = "8443"
    source_droplet_ids = [digitalocean_droplet.lb.id]
  }

  inbound_rule {
    protocol           = "tcp"
    port_range         = "22"
    source_droplet_ids = [digitalocean_droplet.bastion.id]
  }

  outbound_rule {
    protocol              = "udp"
    port_range            = "53"
    destination_addresses = ["10.0.0.2/32"]
  }

  outbound_rule {
    protocol              = "tcp"
    port_range            = "443"
    destination_addresses = ["0.0.0.0/0"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "digitalocean_firewall" "bastion" {
  name        = "bastion-${var.instance_id}"
  droplet_ids = [digitalocean_droplet.bastion.id]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "22"
    source_addresses = ["203.0.113.7/32"]
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

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.bastion.urn], values(digitalocean_droplet.app)[*].urn, [digitalocean_droplet.lb.urn]])
}
