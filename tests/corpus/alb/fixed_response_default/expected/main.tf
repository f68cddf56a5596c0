resource "digitalocean_certificate" "app" {
  name    = "app-${var.instance_id}"
  type    = "lets_encrypt"
  domains = ["app.example.com", "api.example.com"]
}

resource "digitalocean_loadbalancer" "main" {
  name                             = "edge-${var.instance_id}"
  type                             = "REGIONAL"
  region                           = var.region
  redirect_http_to_https           = true
  disable_lets_encrypt_dns_records = true

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 8080
  }

  forwarding_rule {
    entry_protocol   = "https"
    entry_port       = 443
    target_protocol  = "http"
    target_port      = 8080
    certificate_name = digitalocean_certificate.app.name
  }

  healthcheck {
    protocol = "http"
    port     = 8080
    path     = "/healthz"
  }
}

resource "digitalocean_loadbalancer" "maintenance" {
  name   = "maintenance-${var.instance_id}"
  type   = "REGIONAL"
  region = var.region

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 80
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
  resources = flatten([[digitalocean_loadbalancer.main.urn], [digitalocean_loadbalancer.maintenance.urn]])
}
