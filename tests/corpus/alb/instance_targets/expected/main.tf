resource "digitalocean_vpc" "this" {
  name     = "app-${var.instance_id}"
  region   = var.region
  ip_range = "172.16.0.0/16"
}

resource "digitalocean_droplet" "web" {
  count    = var.web_count
  name     = "web-${var.instance_id}-${count.index}"
  region   = var.region
  size     = "s-2vcpu-4gb"
  image    = "ubuntu-24-04-x64"
  vpc_uuid = digitalocean_vpc.this.id
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_droplet" "admin" {
  name     = "admin-${var.instance_id}"
  region   = var.region
  size     = "s-1vcpu-1gb"
  image    = "ubuntu-24-04-x64"
  vpc_uuid = digitalocean_vpc.this.id
  tags     = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_loadbalancer" "app" {
  name        = "app-${var.instance_id}"
  type        = "REGIONAL"
  region      = var.region
  vpc_uuid    = digitalocean_vpc.this.id
  droplet_ids = concat([digitalocean_droplet.admin.id], digitalocean_droplet.web[*].id)

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
  resources = flatten([digitalocean_droplet.web[*].urn, [digitalocean_droplet.admin.urn], [digitalocean_loadbalancer.app.urn]])
}
