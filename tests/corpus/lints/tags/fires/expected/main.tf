resource "digitalocean_vpc" "main" {
  name     = "ledger-${var.instance_id}"
  region   = var.region
  ip_range = "10.20.0.0/16"
}

resource "digitalocean_database_cluster" "ledger" {
  name                 = "ledger-${var.instance_id}"
  engine               = "pg"
  version              = "15"
  size                 = "db-s-1vcpu-2gb"
  region               = var.region
  node_count           = 1
  storage_size_mib     = "20480"
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "ledger_user" {
  cluster_id = digitalocean_database_cluster.ledger.id
  name       = "ledger"
}

resource "digitalocean_spaces_bucket" "statements" {
  name   = "ledger-statements-${var.instance_id}"
  region = var.region
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.ledger.urn], [digitalocean_spaces_bucket.statements.urn]])
}
