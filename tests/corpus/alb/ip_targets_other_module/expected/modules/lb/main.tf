resource "digitalocean_loadbalancer" "app" {
  name   = "alb-${var.instance_id}"
  type   = "REGIONAL"
  region = var.region

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 3000
  }

  healthcheck {
    protocol = "http"
    port     = 3000
    path     = "/"
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_loadbalancer.app.urn]])
}
