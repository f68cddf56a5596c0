locals {
  name        = "acme-${var.instance_id}"
  azs         = ["${var.aws_region}a", "${var.aws_region}b", "${var.aws_region}c"]
  common_tags = {
    Product   = "acme"
    Instance  = var.instance_id
    ManagedBy = "terraform"
  }
}

resource "digitalocean_vpc" "main" {
  name     = "${local.name}-${var.instance_id}"
  region   = var.region
  ip_range = "10.20.0.0/16"
}

resource "random_password" "db" {
  length  = 32
  special = false
}

resource "digitalocean_spaces_bucket" "uploads" {
  name   = "${local.name}-uploads-${var.instance_id}"
  region = var.region

  versioning {
    enabled = true
  }
}

resource "digitalocean_domain" "main" {
  name = var.domain_name
}

resource "digitalocean_certificate" "app" {
  name       = "app-${var.instance_id}"
  type       = "lets_encrypt"
  domains    = [var.domain_name, "*.${var.domain_name}"]
  depends_on = [digitalocean_domain.main]

  lifecycle {
    create_before_destroy = true
  }
}

resource "digitalocean_loadbalancer" "web" {
  name                             = "acme-web-${var.instance_id}"
  type                             = "REGIONAL"
  region                           = var.region
  vpc_uuid                         = digitalocean_vpc.main.id
  http_idle_timeout_seconds        = 120
  redirect_http_to_https           = true
  tls_cipher_policy                = "STRONG"
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
    protocol                 = "http"
    port                     = 8080
    path                     = "/healthz"
    check_interval_seconds   = 15
    response_timeout_seconds = 5
    healthy_threshold        = 3
    unhealthy_threshold      = 3
  }
}

resource "digitalocean_record" "apex" {
  domain = digitalocean_domain.main.name
  type   = "A"
  name   = "@"
  value  = digitalocean_loadbalancer.web.ip
}

resource "digitalocean_record" "www" {
  domain = digitalocean_domain.main.name
  type   = "CNAME"
  name   = "www"
  value  = "${var.domain_name}."
  ttl    = 300
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "Production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.uploads.urn], [digitalocean_domain.main.urn], [digitalocean_loadbalancer.web.urn]])
}
