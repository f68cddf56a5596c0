data "digitalocean_vpc" "shared_fs_default" {
  region = var.region
}

resource "digitalocean_droplet" "app" {
  name   = "app-${var.instance_id}"
  region = var.region
  size   = "s-2vcpu-2gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_loadbalancer" "elb" {
  name        = "app-${var.instance_id}"
  type        = "REGIONAL"
  region      = var.region
  droplet_ids = [digitalocean_droplet.app.id]

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 8080
  }

  healthcheck {
    protocol                 = "http"
    port                     = 8080
    path                     = "/healthz"
    check_interval_seconds   = 30
    response_timeout_seconds = 5
    healthy_threshold        = 2
    unhealthy_threshold      = 2
  }
}

resource "digitalocean_database_cluster" "kafka" {
  name       = "events-${var.instance_id}"
  engine     = "kafka"
  version    = "3.8"
  size       = "gd-2vcpu-8gb"
  region     = var.region
  node_count = 3
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_cluster" "search" {
  name       = "search-${var.instance_id}"
  engine     = "opensearch"
  version    = "2"
  size       = "m3-2vcpu-16gb"
  region     = var.region
  node_count = 3
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_nfs" "shared_fs" {
  name   = "shared-${var.instance_id}"
  region = var.region
  size   = var.shared_fs_nfs_size_gib
  tags   = ["instance-id:${var.instance_id}"]
  vpc_id = data.digitalocean_vpc.shared_fs_default.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_droplet.app.urn], [digitalocean_loadbalancer.elb.urn], [digitalocean_database_cluster.kafka.urn], [digitalocean_database_cluster.search.urn]])
}
