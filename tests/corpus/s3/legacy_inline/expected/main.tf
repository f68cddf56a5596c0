resource "digitalocean_spaces_bucket" "media" {
  name   = "acme-media-${var.instance_id}"
  region = var.region
  acl    = "public-read"

  versioning {
    enabled = true
  }

  lifecycle_rule {
    id      = "thumbnails"
    enabled = true
    prefix  = "thumbs/"

    expiration {
      days = 90
    }

    noncurrent_version_expiration {
      days = 30
    }
  }

  lifecycle_rule {
    id                                     = "originals"
    enabled                                = true
    prefix                                 = "originals/"
    abort_incomplete_multipart_upload_days = 7
  }
}

resource "digitalocean_spaces_bucket_cors_configuration" "media" {
  bucket = digitalocean_spaces_bucket.media.name
  region = var.region

  cors_rule {
    allowed_headers = ["*"]
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = ["https://www.example.com"]
    max_age_seconds = 3600
  }
}

resource "digitalocean_spaces_bucket_policy" "media" {
  region = var.region
  bucket = digitalocean_spaces_bucket.media.name
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::${digitalocean_spaces_bucket.media.name}/*"
    }
  ]
}
EOF
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.media.urn]])
}
