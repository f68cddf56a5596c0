locals {
  prefix = "dp-${var.instance_id}"
}

resource "digitalocean_vpc" "data" {
  name     = local.prefix
  region   = var.region
  ip_range = "10.50.0.0/16"
}

resource "digitalocean_ssh_key" "ops" {
  name       = "${local.prefix}-ops"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9wcyBrZXkgZm9yIGZlcnJ5IGV4YW1wbGVz ops@example.com"
}

resource "digitalocean_database_cluster" "warehouse" {
  name                 = "${local.prefix}-warehouse"
  engine               = "mysql"
  version              = "8"
  size                 = "so1_5-4vcpu-32gb"
  region               = var.region
  node_count           = 2
  private_network_uuid = digitalocean_vpc.data.id
  tags                 = ["instance-id:${var.instance_id}"]

  maintenance_window {
    day  = "Saturday"
    hour = "03:00"
  }
}

resource "digitalocean_database_db" "warehouse_db" {
  cluster_id = digitalocean_database_cluster.warehouse.id
  name       = "warehouse"
}

resource "digitalocean_database_user" "warehouse_user" {
  cluster_id = digitalocean_database_cluster.warehouse.id
  name       = "warehouse"
}

resource "digitalocean_database_cluster" "events" {
  name                 = "${local.prefix}-events"
  engine               = "mongodb"
  version              = "7.0"
  size                 = "so1_5-2vcpu-16gb"
  region               = var.region
  node_count           = 3
  private_network_uuid = digitalocean_vpc.data.id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "events_user" {
  cluster_id = digitalocean_database_cluster.events.id
  name       = "events"
}

resource "digitalocean_droplet" "ingest" {
  count     = var.ingest_count
  name      = "${local.prefix}-ingest-${count.index}"
  region    = var.region
  size      = "c-4"
  image     = "ubuntu-24-04-x64"
  vpc_uuid  = digitalocean_vpc.data.id
  ssh_keys  = [digitalocean_ssh_key.ops.fingerprint]
  user_data = <<-EOT
#!/bin/bash
apt-get update && apt-get install -y docker.io
docker run -d --restart=always -p 9092:9092 ghcr.io/acme/ingest:1.4.2
EOT
  monitoring = true
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_volume" "spool" {
  count  = var.ingest_count
  name   = "${local.prefix}-spool-${count.index}"
  region = var.region
  size   = 200
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_volume_attachment" "spool" {
  count      = var.ingest_count
  droplet_id = digitalocean_droplet.ingest[count.index].id
  volume_id  = digitalocean_volume.spool[count.index].id
}

resource "digitalocean_loadbalancer" "ingest" {
  name        = "${local.prefix}-ingest"
  type        = "REGIONAL_NETWORK"
  region      = var.region
  vpc_uuid    = digitalocean_vpc.data.id
  droplet_ids = digitalocean_droplet.ingest[*].id

  forwarding_rule {
    entry_protocol  = "tcp"
    entry_port      = 9092
    target_protocol = "tcp"
    target_port     = 9092
  }

  healthcheck {
    protocol               = "tcp"
    port                   = 9092
    check_interval_seconds = 10
  }
}

resource "digitalocean_spaces_bucket" "archive" {
  name   = "${local.prefix}-archive"
  region = var.region

  lifecycle_rule {
    id      = "expire"
    enabled = true

    expiration {
      days = 365
    }
  }
}

resource "digitalocean_database_firewall" "warehouse" {
  cluster_id = digitalocean_database_cluster.warehouse.id

  dynamic "rule" {
    for_each = toset(var.analytics_cidrs)

    content {
      type  = "ip_addr"
      value = rule.value
    }
  }
}

resource "digitalocean_firewall" "ingest" {
  name        = "${local.prefix}-ingest"
  droplet_ids = digitalocean_droplet.ingest[*].id

  inbound_rule {
    protocol         = "tcp"
    port_range       = "9092"
    source_addresses = [digitalocean_vpc.data.ip_range]
  }

  inbound_rule {
    protocol         = "tcp"
    port_range       = "9093"
    source_addresses = [digitalocean_vpc.data.ip_range]
  }

  inbound_rule {
    protocol         = "tcp"
    port_range       = "22"
    source_addresses = var.analytics_cidrs
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
  resources = flatten([[digitalocean_database_cluster.warehouse.urn], [digitalocean_database_cluster.events.urn], digitalocean_droplet.ingest[*].urn, digitalocean_volume.spool[*].urn, [digitalocean_loadbalancer.ingest.urn], [digitalocean_spaces_bucket.archive.urn]])
}
