resource "digitalocean_loadbalancer" "app" {
  name   = "alb-${var.instance_id}"
  type   = "REGIONAL"
  region = var.region

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = var.container_port
  }

  healthcheck {
    protocol = "http"
    port     = var.container_port
    path     = "/health"
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_loadbalancer.app.urn]])
}
