resource "digitalocean_loadbalancer" "web" {
  name   = "web-${var.instance_id}"
  type   = "REGIONAL"
  region = var.region

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 3000
  }

  healthcheck {
    protocol = "http"
    port     = 3000
    path     = "/"
  }
}

resource "digitalocean_domain" "site" {
  name = var.domain
}

resource "digitalocean_record" "apex_a" {
  domain = digitalocean_domain.site.name
  type   = "A"
  name   = "@"
  value  = digitalocean_loadbalancer.web.ip
}

resource "digitalocean_record" "apex_aaaa" {
  domain = digitalocean_domain.site.name
  type   = "AAAA"
  name   = "@"
  value  = digitalocean_loadbalancer.web.ipv6
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_loadbalancer.web.urn], [digitalocean_domain.site.urn]])
}
