resource "digitalocean_spaces_bucket" "site" {
  name   = "docs-site-${var.instance_id}"
  region = var.region
}

resource "digitalocean_cdn" "site" {
  origin = digitalocean_spaces_bucket.site.bucket_domain_name
  ttl    = 3600
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.site.urn]])
}
