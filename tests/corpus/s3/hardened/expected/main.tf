resource "digitalocean_spaces_bucket" "reports" {
  name   = "acme-reports-${var.instance_id}"
  region = var.region
  acl    = "private"

  versioning {
    enabled = true
  }
}

resource "digitalocean_spaces_bucket" "access_logs" {
  name   = "acme-access-logs-${var.instance_id}"
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
  resources = flatten([[digitalocean_spaces_bucket.reports.urn], [digitalocean_spaces_bucket.access_logs.urn]])
}
