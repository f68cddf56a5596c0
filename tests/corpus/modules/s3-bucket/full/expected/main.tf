resource "digitalocean_spaces_bucket" "uploads" {
  name          = "acme-uploads-${var.instance_id}"
  region        = var.region
  force_destroy = true

  versioning {
    enabled = true
  }

  lifecycle_rule {
    id      = "expire-tmp"
    enabled = true
    prefix  = "tmp/"

    expiration {
      days = 7
    }
  }

  lifecycle_rule {
    id      = "archive"
    enabled = true

    noncurrent_version_expiration {
      days = 90
    }
  }
}

resource "digitalocean_spaces_bucket_cors_configuration" "uploads" {
  bucket = digitalocean_spaces_bucket.uploads.name
  region = var.region

  cors_rule {
    allowed_methods = ["PUT", "POST"]
    allowed_origins = ["https://app.example.com"]
    allowed_headers = ["*"]
    expose_headers  = ["ETag"]
    max_age_seconds = 3000
  }
}

resource "digitalocean_spaces_bucket_policy" "uploads" {
  region = var.region
  bucket = digitalocean_spaces_bucket.uploads.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "PublicReadAvatars", Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::${digitalocean_spaces_bucket.uploads.name}/avatars/*" }] })
}

resource "digitalocean_spaces_bucket_object" "welcome" {
  region       = var.region
  bucket       = digitalocean_spaces_bucket.uploads.name
  key          = "welcome.txt"
  content      = "Welcome to the appliance."
  content_type = "text/plain"
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
