resource "digitalocean_vpc" "core" {
  name     = "core-${var.instance_id}"
  region   = var.region
  ip_range = "10.50.0.0/16"
}

resource "digitalocean_loadbalancer" "broker" {
  name                             = "brk-${var.instance_id}"
  type                             = "REGIONAL"
  region                           = var.region
  vpc_uuid                         = digitalocean_vpc.core.id
  network                          = "INTERNAL"
  tls_cipher_policy                = "DEFAULT"
  enable_proxy_protocol            = true
  disable_lets_encrypt_dns_records = true

  forwarding_rule {
    entry_protocol  = "tcp"
    entry_port      = 5672
    target_protocol = "tcp"
    target_port     = 5672
  }

  forwarding_rule {
    entry_protocol   = "https"
    entry_port       = 8883
    target_protocol  = "http"
    target_port      = 1883
    certificate_name = digitalocean_certificate.broker.name
  }

  healthcheck {
    protocol               = "tcp"
    port                   = 5672
    check_interval_seconds = 30
    healthy_threshold      = 3
    unhealthy_threshold    = 3
  }
}

resource "digitalocean_certificate" "broker" {
  name    = "broker-${var.instance_id}"
  type    = "lets_encrypt"
  domains = ["broker.internal.example.com"]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_loadbalancer.broker.urn]])
}
