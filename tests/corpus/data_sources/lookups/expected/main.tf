data "digitalocean_domain" "main" {
  name = var.zone_name
}

data "digitalocean_certificate" "wildcard" {
  name = "*.example.com"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
