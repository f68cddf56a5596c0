resource "digitalocean_loadbalancer" "web" {
  name   = "web-${var.instance_id}"
  type   = "REGIONAL"
  region = var.region

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 80
  }
}

resource "digitalocean_domain" "zones_acme_example" {
  name = "acme.example"
}

resource "digitalocean_record" "records_apex_a" {
  domain = digitalocean_domain.zones_acme_example.name
  type   = "A"
  name   = "@"
  value  = digitalocean_loadbalancer.web.ip
}

resource "digitalocean_record" "records_docs_cname" {
  domain = digitalocean_domain.zones_acme_example.name
  type   = "CNAME"
  name   = "docs"
  value  = "acme.github.io."
  ttl    = 300
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_loadbalancer.web.urn], [digitalocean_domain.zones_acme_example.urn]])
}
