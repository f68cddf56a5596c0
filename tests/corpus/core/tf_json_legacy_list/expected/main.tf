resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_droplet" "vpn" {
  name      = "vpn-${var.instance_id}"
  region    = var.region
  size      = "s-1vcpu-1gb"
  image     = "ubuntu-24-04-x64"
  vpc_uuid  = digitalocean_vpc.main.id
  user_data = "admin_pw=${var.admin_password}\nname=\"vpn\" ${upper("x")}"
  tags      = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet" "web" {
  count    = 2
  name     = "web-${count.index}-${var.instance_id}"
  region   = var.region
  size     = "s-1vcpu-1gb"
  image    = "ubuntu-24-04-x64"
  vpc_uuid = digitalocean_vpc.main.id
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_firewall" "vpn" {
  name        = "vpn-${var.instance_id}"
  droplet_ids = [digitalocean_droplet.vpn.id]

  inbound_rule {
    protocol         = "udp"
    port_range       = "1194"
    source_addresses = split(",", var.trusted_ips)
  }
}

resource "digitalocean_firewall" "web" {
  name        = "web-${var.instance_id}"
  droplet_ids = digitalocean_droplet.web[*].id

  inbound_rule {
    protocol         = "tcp"
    port_range       = "443"
    source_addresses = split(",", var.trusted_ips)
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
  resources = flatten([[digitalocean_droplet.vpn.urn], digitalocean_droplet.web[*].urn])
}
