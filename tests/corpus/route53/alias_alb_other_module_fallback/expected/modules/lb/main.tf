resource "digitalocean_loadbalancer" "app" {
  name        = "web-${var.instance_id}"
  type        = "REGIONAL"
  region      = var.region
  droplet_ids = [digitalocean_droplet.web.id]

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

resource "digitalocean_droplet" "web" {
  name   = "web-${var.instance_id}"
  region = var.region
  size   = "s-1vcpu-1gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_loadbalancer.app.urn], [digitalocean_droplet.web.urn]])
}
