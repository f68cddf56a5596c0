resource "digitalocean_certificate" "web" {
  name    = "web-${var.instance_id}"
  type    = "lets_encrypt"
  domains = ["app.example.com"]
}

resource "digitalocean_droplet" "app" {
  name   = "app-${var.instance_id}"
  region = var.region
  size   = "s-2vcpu-4gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_loadbalancer" "alb" {
  name                             = "acme-web-${var.instance_id}"
  type                             = "REGIONAL"
  region                           = var.region
  redirect_http_to_https           = true
  disable_lets_encrypt_dns_records = true
  droplet_ids                      = [digitalocean_droplet.app.id]

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
    certificate_name = digitalocean_certificate.web.name
  }

  healthcheck {
    protocol               = "http"
    port                   = 8080
    path                   = "/healthz"
    check_interval_seconds = 15
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
  resources = flatten([[digitalocean_droplet.app.urn], [digitalocean_loadbalancer.alb.urn]])
}
