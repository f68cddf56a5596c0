resource "digitalocean_spaces_bucket" "work" {
  name   = "acme-work-${var.instance_id}"
  region = var.region

  lifecycle_rule {
    id      = "tmp"
    enabled = true
    prefix  = "tmp/"

    expiration {
      days = 1
    }
  }

  lifecycle_rule {
    id      = "cache"
    enabled = true
    prefix  = "cache/"

    expiration {
      days = 7
    }
  }
}

resource "digitalocean_spaces_bucket_cors_configuration" "work" {
  bucket = digitalocean_spaces_bucket.work.name
  region = var.region

  cors_rule {
    allowed_methods = ["GET", "PUT"]
    allowed_origins = ["https://app.example.com"]
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
  resources = flatten([[digitalocean_spaces_bucket.work.urn]])
}
