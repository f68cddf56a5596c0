resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.40.0.0/16"
}

resource "digitalocean_droplet" "app" {
  count    = 2
  name     = "billing-app-${count.index}-${var.instance_id}"
  region   = var.region
  size     = "s-4vcpu-8gb"
  image    = "ubuntu-24-04-x64"
  vpc_uuid = digitalocean_vpc.main.id
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_cluster" "billing" {
  name                 = "billing-${var.instance_id}"
  engine               = "pg"
  version              = "16"
  size                 = "db-s-2vcpu-4gb"
  region               = var.region
  node_count           = 1
  storage_size_mib     = "51200"
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "billing_db" {
  cluster_id = digitalocean_database_cluster.billing.id
  name       = "billing"
}

resource "digitalocean_database_user" "billing_user" {
  cluster_id = digitalocean_database_cluster.billing.id
  name       = "billing"
}

resource "digitalocean_firewall" "app" {
  name        = "billing-app-${var.instance_id}"
  droplet_ids = digitalocean_droplet.app[*].id

  inbound_rule {
    protocol         = "tcp"
    port_range       = "443"
    source_addresses = [digitalocean_vpc.main.ip_range]
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

resource "digitalocean_database_firewall" "billing" {
  cluster_id = digitalocean_database_cluster.billing.id

  dynamic "rule" {
    for_each = toset(digitalocean_droplet.app[*].id)

    content {
      type  = "droplet"
      value = rule.value
    }
  }

  dynamic "rule" {
    for_each = toset(var.analyst_cidrs)

    content {
      type  = "ip_addr"
      value = rule.value
    }
  }

  rule {
    type  = "ip_addr"
    value = "172.16.0.0/12"
  }

  rule {
    type  = "ip_addr"
    value = "10.40.200.5/32"
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
  resources = flatten([digitalocean_droplet.app[*].urn, [digitalocean_database_cluster.billing.urn]])
}
