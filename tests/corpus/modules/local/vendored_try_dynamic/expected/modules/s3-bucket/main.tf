locals {
  cors_rules = try(jsondecode(var.cors_rule), var.cors_rule)
}

resource "digitalocean_spaces_bucket" "this" {
  name   = var.bucket
  region = var.region

  versioning {
    enabled = true
  }

  lifecycle_rule {
    id      = "tmp"
    enabled = true
    prefix  = "tmp/"

    expiration {
      days = 7
    }
  }
}

resource "digitalocean_spaces_bucket_cors_configuration" "this" {
  count  = length(local.cors_rules) > 0 ? 1 : 0
  bucket = digitalocean_spaces_bucket.this.name
  region = var.region

  cors_rule {
    allowed_methods = ["PUT", "POST"]
    allowed_origins = ["https://app.example.com"]
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }

  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_spaces_bucket.this.urn]])
}
