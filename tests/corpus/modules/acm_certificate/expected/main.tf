resource "digitalocean_domain" "main" {
  name = "example.com"
}

resource "digitalocean_loadbalancer" "web" {
  name                             = "web-${var.instance_id}"
  type                             = "REGIONAL"
  region                           = var.region
  disable_lets_encrypt_dns_records = true

  forwarding_rule {
    entry_protocol   = "https"
    entry_port       = 443
    target_protocol  = "http"
    target_port      = 8080
    certificate_name = digitalocean_certificate.acm.name
  }

  healthcheck {
    protocol = "http"
    port     = 8080
    path     = "/"
  }
}

resource "digitalocean_certificate" "acm" {
  name       = "acm-${var.instance_id}"
  type       = "lets_encrypt"
  domains    = [var.domain, "www.${var.domain}"]
  depends_on = [digitalocean_domain.main]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_domain.main.urn], [digitalocean_loadbalancer.web.urn]])
}
