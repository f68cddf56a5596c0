resource "digitalocean_spaces_bucket" "logs" {
  name   = "logs-${var.instance_id}"
  region = var.region

  lifecycle_rule {
    id      = "dev-retention"
    enabled = true
    prefix  = "dev/7d/"

    expiration {
      days = 7
    }
  }

  lifecycle_rule {
    id      = "prod-retention"
    enabled = true
    prefix  = "prod/30d/"

    expiration {
      days = 30
    }
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
  resources = flatten([[digitalocean_spaces_bucket.logs.urn]])
}
