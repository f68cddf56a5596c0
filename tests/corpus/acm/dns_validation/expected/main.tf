resource "digitalocean_domain" "app" {
  name = var.domain
}

resource "digitalocean_certificate" "app" {
  name       = "app-${var.instance_id}"
  type       = "lets_encrypt"
  domains    = [var.domain, "*.${var.domain}"]
  depends_on = [digitalocean_domain.app]

  lifecycle {
    create_before_destroy = true
  }
}

resource "digitalocean_loadbalancer" "app" {
  name                             = "app-${var.instance_id}"
  type                             = "REGIONAL"
  region                           = var.region
  tls_cipher_policy                = "DEFAULT"
  disable_lets_encrypt_dns_records = true

  forwarding_rule {
    entry_protocol   = "https"
    entry_port       = 443
    target_protocol  = "https"
    target_port      = 443
    certificate_name = digitalocean_certificate.app.name
  }

  healthcheck {
    protocol = "https"
    port     = 443
    path     = "/ready"
  }
}

resource "digitalocean_record" "app" {
  domain = digitalocean_domain.app.name
  type   = "A"
  name   = "@"
  value  = digitalocean_loadbalancer.app.ip
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_domain.app.urn], [digitalocean_loadbalancer.app.urn]])
}
