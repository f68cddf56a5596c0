resource "digitalocean_loadbalancer" "web" {
  name   = "web-${var.instance_id}"
  type   = "REGIONAL"
  region = var.region

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 8080
  }

  healthcheck {
    protocol = "http"
    port     = 8080
    path     = "/"
  }
}

resource "digitalocean_uptime_check" "web" {
  name    = "web-health-${var.instance_id}"
  type    = "http"
  target  = "http://${digitalocean_loadbalancer.web.ip}/health"
  regions = ["us_east", "eu_west", "se_asia"]
}

resource "digitalocean_uptime_check" "smtp" {
  name   = "smtp-${var.instance_id}"
  type   = "ping"
  target = "203.0.113.10"
}

resource "digitalocean_domain" "main" {
  name = "example.com"
}

resource "digitalocean_record" "www" {
  domain = digitalocean_domain.main.name
  type   = "A"
  name   = "www"
  value  = "203.0.113.20"
  ttl    = 60
}

resource "digitalocean_uptime_alert" "web_down" {
  name     = "web-down-${var.instance_id}"
  check_id = digitalocean_uptime_check.web.id
  type     = "down"
  period   = "2m"

  notifications {
    email = ["oncall@example.com"]
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
  resources = flatten([[digitalocean_loadbalancer.web.urn], [digitalocean_domain.main.urn]])
}
