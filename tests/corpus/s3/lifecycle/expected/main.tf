resource "digitalocean_spaces_bucket" "logs" {
  name   = "acme-logs-${var.instance_id}"
  region = var.region

  versioning {
    enabled = true
  }

  lifecycle_rule {
    id      = "expire-app-logs"
    enabled = true
    prefix  = "app/"

    expiration {
      days = var.log_retention_days
    }

    noncurrent_version_expiration {
      days = 7
    }
  }

  lifecycle_rule {
    id      = "archive-audit"
    enabled = true
    prefix  = "audit/"

    expiration {
      days = 365
    }
  }

  lifecycle_rule {
    id                                     = "cleanup-uploads"
    enabled                                = true
    abort_incomplete_multipart_upload_days = 3
  }

  lifecycle_rule {
    id      = "until-date"
    enabled = true
    prefix  = "campaign/"

    expiration {
      date = "2030-01-01"
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
