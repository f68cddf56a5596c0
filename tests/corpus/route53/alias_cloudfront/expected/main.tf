resource "digitalocean_domain" "site" {
  name = var.domain
}

resource "digitalocean_spaces_bucket" "app" {
  name   = "spa-${var.instance_id}"
  region = var.region
}

resource "digitalocean_certificate" "app" {
  name       = "app-${var.instance_id}"
  type       = "lets_encrypt"
  domains    = ["app.${var.domain}"]
  depends_on = [digitalocean_domain.site]
}

resource "digitalocean_record" "app_a" {
  domain = digitalocean_domain.site.name
  type   = "CNAME"
  name   = "app"
  value  = "${digitalocean_cdn.app.endpoint}."
}

resource "digitalocean_cdn" "app" {
  origin           = digitalocean_spaces_bucket.app.bucket_domain_name
  ttl              = 3600
  custom_domain    = "app.${var.domain}"
  certificate_name = digitalocean_certificate.app.name
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_domain.site.urn], [digitalocean_spaces_bucket.app.urn]])
}
