resource "tls_private_key" "internal" {
  algorithm = "RSA"
  rsa_bits  = 2048
}

resource "tls_self_signed_cert" "internal" {
  private_key_pem       = tls_private_key.internal.private_key_pem
  validity_period_hours = 8760
  allowed_uses          = ["key_encipherment", "digital_signature", "server_auth"]

  subject {
    common_name = "internal.example.com"
  }
}

resource "digitalocean_certificate" "internal" {
  name             = "internal-${var.instance_id}"
  type             = "custom"
  leaf_certificate = tls_self_signed_cert.internal.cert_pem
  private_key      = tls_private_key.internal.private_key_pem
}

resource "digitalocean_certificate" "customer" {
  name              = "customer-${var.instance_id}"
  type              = "custom"
  leaf_certificate  = var.customer_cert_pem
  private_key       = var.customer_key_pem
  certificate_chain = file("${path.module}/chain.pem")
}

resource "digitalocean_loadbalancer" "edge" {
  name   = "edge-${var.instance_id}"
  type   = "REGIONAL"
  region = var.region

  forwarding_rule {
    entry_protocol   = "https"
    entry_port       = 443
    target_protocol  = "https"
    target_port      = 8443
    certificate_name = digitalocean_certificate.customer.name
  }

  forwarding_rule {
    entry_protocol  = "https"
    entry_port      = 8443
    target_protocol = "https"
    target_port     = 8443
  }

  healthcheck {
    protocol = "https"
    port     = 8443
    path     = "/"
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
  resources = flatten([[digitalocean_loadbalancer.edge.urn]])
}
