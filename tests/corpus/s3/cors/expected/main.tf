locals {
  app_origins = ["https://app.example.com", "https://admin.example.com"]
}

resource "digitalocean_spaces_bucket" "uploads" {
  name          = "acme-uploads-${var.instance_id}"
  region        = var.region
  force_destroy = true
}

resource "digitalocean_spaces_bucket_cors_configuration" "uploads" {
  bucket = digitalocean_spaces_bucket.uploads.name
  region = var.region

  cors_rule {
    allowed_headers = ["*"]
    allowed_methods = ["PUT", "POST"]
    allowed_origins = local.app_origins
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }

  cors_rule {
    id              = "public-read"
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
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
  resources = flatten([[digitalocean_spaces_bucket.uploads.urn]])
}
