data "digitalocean_domain" "main" {
  name = var.zone_name
}

resource "digitalocean_loadbalancer" "app" {
  name          = "app-${var.instance_id}"
  type          = "REGIONAL"
  region        = var.region
  network_stack = "DUALSTACK"

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 8080
  }

  healthcheck {
    protocol = "http"
    port     = 8080
    path     = "/"
  }
}

resource "digitalocean_record" "app" {
  domain = data.digitalocean_domain.main.name
  type   = "A"
  name   = "app-${var.instance_id}"
  value  = digitalocean_loadbalancer.app.ip
}

resource "digitalocean_record" "app_v6" {
  domain = data.digitalocean_domain.main.name
  type   = "AAAA"
  name   = "app-${var.instance_id}"
  value  = digitalocean_loadbalancer.app.ipv6
}

resource "digitalocean_record" "api" {
  domain = data.digitalocean_domain.main.name
  type   = "A"
  name   = "api-${var.instance_id}"
  value  = digitalocean_loadbalancer.app.ip
  ttl    = 60
}

resource "digitalocean_record" "status" {
  domain = data.digitalocean_domain.main.name
  type   = "CNAME"
  name   = "status-${var.instance_id}"
  value  = "${digitalocean_record.app.fqdn}."
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
