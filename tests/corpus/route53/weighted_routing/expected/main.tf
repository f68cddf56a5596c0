resource "digitalocean_domain" "shop" {
  name = var.domain
}

resource "digitalocean_uptime_check" "blue" {
  name   = "blue-${var.instance_id}"
  type   = "https"
  target = "https://blue.${var.domain}/health"
}

resource "digitalocean_record" "blue" {
  domain = digitalocean_domain.shop.name
  type   = "A"
  name   = "api"
  value  = "198.51.100.20"
  ttl    = 60
}

resource "digitalocean_record" "green" {
  domain = digitalocean_domain.shop.name
  type   = "A"
  name   = "api"
  value  = "198.51.100.30"
  ttl    = 60
}

resource "digitalocean_record" "eu" {
  domain = digitalocean_domain.shop.name
  type   = "CNAME"
  name   = "geo"
  value  = "eu.cdn.example.net."
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
  resources = flatten([[digitalocean_domain.shop.urn]])
}
