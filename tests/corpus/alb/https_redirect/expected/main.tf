locals {
  name = "shop"
}

resource "digitalocean_vpc" "main" {
  name     = "${local.name}-${var.instance_id}"
  region   = var.region
  ip_range = "10.20.0.0/16"
}

resource "digitalocean_loadbalancer" "web" {
  name                             = "${local.name}-web-${var.instance_id}"
  type                             = "REGIONAL"
  region                           = var.region
  vpc_uuid                         = digitalocean_vpc.main.id
  network_stack                    = "DUALSTACK"
  http_idle_timeout_seconds        = 120
  redirect_http_to_https           = true
  tls_cipher_policy                = "STRONG"
  disable_lets_encrypt_dns_records = true

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = var.app_port
  }

  forwarding_rule {
    entry_protocol   = "https"
    entry_port       = 443
    target_protocol  = "http"
    target_port      = var.app_port
    certificate_name = digitalocean_certificate.web.name
  }

  healthcheck {
    protocol                 = "http"
    port                     = var.app_port
    path                     = "/healthz"
    check_interval_seconds   = 15
    response_timeout_seconds = 3
    healthy_threshold        = 3
    unhealthy_threshold      = 3
  }

  sticky_sessions {
    type               = "cookies"
    cookie_name        = "DO-LB"
    cookie_ttl_seconds = 3600
  }

  firewall {
    allow = ["cidr:203.0.113.0/24", "cidr:198.51.100.7/32"]
  }
}

resource "digitalocean_certificate" "web" {
  name    = "web-${var.instance_id}"
  type    = "lets_encrypt"
  domains = [var.domain]

  lifecycle {
    create_before_destroy = true
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
  resources = flatten([[digitalocean_loadbalancer.web.urn]])
}
