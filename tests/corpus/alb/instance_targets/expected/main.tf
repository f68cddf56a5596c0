resource "digitalocean_vpc" "this" {
  name     = "app-${var.instance_id}"
  region   = var.region
  ip_range = "172.16.0.0/16"
}

resource "digitalocean_loadbalancer" "app" {
  name        = "app-${var.instance_id}"
  type        = "REGIONAL"
  region      = var.region
  vpc_uuid    = digitalocean_vpc.this.id
  droplet_ids = concat([null], null)

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 80
  }

  healthcheck {
    protocol = "http"
    port     = 80
    path     = "/health"
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
  resources = flatten([[digitalocean_loadbalancer.app.urn]])
}
