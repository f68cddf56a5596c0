resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
}

resource "digitalocean_loadbalancer" "was" {
  name        = "was-nlb-${var.instance_id}"
  type        = "REGIONAL_NETWORK"
  region      = var.region
  vpc_uuid    = digitalocean_vpc.main.id
  network     = "INTERNAL"
  droplet_tag = "lb:was-nlb-${var.instance_id}"

  forwarding_rule {
    entry_protocol  = "tcp"
    entry_port      = 8009
    target_protocol = "tcp"
    target_port     = 8009
  }

  healthcheck {
    protocol = "tcp"
    port     = 8009
  }
}

resource "digitalocean_droplet_autoscale" "was" {
  name = "was-${var.instance_id}"

  config {
    target_number_instances = 2
  }

  droplet_template {
    size               = "s-1vcpu-1gb"
    region             = var.region
    image              = "ubuntu-24-04-x64"
    ssh_keys           = []
    vpc_uuid           = digitalocean_vpc.main.id
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}", "lb:was-nlb-${var.instance_id}", "pool:was-${var.instance_id}"]
  }
}

resource "digitalocean_droplet" "app" {
  name     = "app-${var.instance_id}"
  region   = var.region
  size     = "s-1vcpu-1gb"
  image    = "ubuntu-24-04-x64"
  vpc_uuid = digitalocean_vpc.main.id
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet" "bastion" {
  name     = "bastion-${var.instance_id}"
  region   = var.region
  size     = "s-1vcpu-1gb"
  image    = "ubuntu-24-04-x64"
  vpc_uuid = digitalocean_vpc.main.id
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_firewall" "was" {
  name        = "was-${var.instance_id}"
  droplet_ids = [digitalocean_droplet.app.id]
  tags        = ["pool:was-${var.instance_id}"]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "8009"
    source_addresses = [digitalocean_vpc.main.ip_range]
  }
}

resource "digitalocean_firewall" "bastion" {
  name        = "bastion-${var.instance_id}"
  droplet_ids = [digitalocean_droplet.bastion.id]

  inbound_rule {
    protocol         = "tcp"
    port_range       = "22"
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
  resources = flatten([[digitalocean_loadbalancer.was.urn], [digitalocean_droplet.app.urn], [digitalocean_droplet.bastion.urn]])
}
