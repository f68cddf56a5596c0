resource "digitalocean_vpc" "main" {
  name     = "shop-${var.instance_id}"
  region   = var.region
  ip_range = "10.30.0.0/16"
}

resource "digitalocean_droplet" "web" {
  count    = 2
  name     = "shop-web-${count.index}-${var.instance_id}"
  region   = var.region
  size     = "s-2vcpu-4gb"
  image    = "ubuntu-24-04-x64"
  vpc_uuid = digitalocean_vpc.main.id
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet" "admin" {
  name     = "admin-${var.instance_id}"
  region   = var.region
  size     = "s-1vcpu-1gb"
  image    = "ubuntu-24-04-x64"
  vpc_uuid = digitalocean_vpc.main.id
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_firewall" "web" {
  name        = "shop-web-${var.instance_id}"
  droplet_ids = concat(digitalocean_droplet.web[*].id, [digitalocean_droplet.admin.id])

  inbound_rule {
    protocol         = "tcp"
    port_range       = "22"
    source_addresses = var.office_cidrs
  }

  inbound_rule {
    protocol         = "tcp"
    port_range       = "80"
    source_addresses = ["0.0.0.0/0", "::/0"]
  }

  inbound_rule {
    protocol         = "tcp"
    port_range       = "443"
    source_addresses = ["0.0.0.0/0", "::/0"]
  }

  inbound_rule {
    protocol         = "icmp"
    source_addresses = [digitalocean_vpc.main.ip_range]
  }

  inbound_rule {
    protocol           = "tcp"
    port_range         = "7000-7100"
    source_droplet_ids = concat(digitalocean_droplet.web[*].id, [digitalocean_droplet.admin.id])
  }

  outbound_rule {
    protocol              = "tcp"
    port_range            = "1-65535"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }

  outbound_rule {
    protocol              = "udp"
    port_range            = "1-65535"
    destination_addresses = ["0.0.0.0/0", "::/0"]
  }

  outbound_rule {
    protocol              = "icmp"
    destination_addresses = ["0.0.0.0/0", "::/0"]
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
  resources = flatten([digitalocean_droplet.web[*].urn, [digitalocean_droplet.admin.urn]])
}
