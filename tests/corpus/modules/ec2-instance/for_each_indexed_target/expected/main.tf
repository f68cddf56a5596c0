resource "digitalocean_loadbalancer" "web" {
  name        = "web-${var.instance_id}"
  type        = "REGIONAL"
  region      = var.region
  droplet_ids = [digitalocean_droplet.app[0].id, digitalocean_droplet.app[1].id]

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 80
  }

  healthcheck {
    protocol = "http"
    port     = 80
    path     = "/"
  }
}

resource "digitalocean_droplet" "app" {
  for_each = toset(["0", "1"])
  name     = "app-${each.key}-${var.instance_id}"
  region   = var.region
  size     = "s-1vcpu-1gb"
  image    = "ubuntu-24-04-x64"
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_loadbalancer.web.urn], values(digitalocean_droplet.app)[*].urn])
}
