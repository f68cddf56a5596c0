resource "digitalocean_spaces_bucket" "assets" {
  name   = "shop-assets-${var.instance_id}"
  region = var.region
}

resource "digitalocean_certificate" "cdn" {
  name    = "cdn-${var.instance_id}"
  type    = "lets_encrypt"
  domains = [var.domain]
}

resource "digitalocean_cdn" "assets" {
  origin           = digitalocean_spaces_bucket.assets.bucket_domain_name
  ttl              = 86400
  custom_domain    = var.domain
  certificate_name = digitalocean_certificate.cdn.name
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.assets.urn]])
}
