resource "digitalocean_droplet" "app" {
  count  = 2
  name   = "app-${count.index}-${var.instance_id}"
  region = var.region
  size   = "s-1vcpu-1gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_certificate" "site" {
  name    = "site-${var.instance_id}"
  type    = "lets_encrypt"
  domains = ["app.example.com"]
}

resource "digitalocean_loadbalancer" "alb" {
  name                             = "acme-${var.instance_id}"
  type                             = "REGIONAL"
  region                           = var.region
  redirect_http_to_https           = true
  disable_lets_encrypt_dns_records = true
  droplet_ids                      = [digitalocean_droplet.app[0].id, digitalocean_droplet.app[1].id]

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 80
  }

  forwarding_rule {
    entry_protocol   = "https"
    entry_port       = 443
    target_protocol  = "http"
    target_port      = 80
    certificate_name = digitalocean_certificate.site.name
  }

  healthcheck {
    protocol = "http"
    port     = 80
    path     = "/app/index.html"
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
  resources = flatten([digitalocean_droplet.app[*].urn, [digitalocean_loadbalancer.alb.urn]])
}
