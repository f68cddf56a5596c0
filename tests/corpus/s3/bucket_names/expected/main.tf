resource "digitalocean_spaces_bucket" "prefixed" {
  name   = "acme-tmp-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket" "long" {
  name   = "acme-analytics-clickstream-raw-events-archive-eu-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket" "upper" {
  name   = "Acme_Exports-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket" "unnamed" {
  name   = "unnamed-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket" "ok" {
  name   = "acme-ok-${var.instance_id}"
  region = var.region
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.prefixed.urn], [digitalocean_spaces_bucket.long.urn], [digitalocean_spaces_bucket.upper.urn], [digitalocean_spaces_bucket.unnamed.urn], [digitalocean_spaces_bucket.ok.urn]])
}
