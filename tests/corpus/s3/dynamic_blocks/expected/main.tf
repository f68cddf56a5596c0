resource "digitalocean_spaces_bucket" "work" {
  name   = "acme-work-${var.instance_id}"
  region = var.region

  dynamic "lifecycle_rule" {
    for_each = var.lifecycle_rules
    iterator = rule

    content {
      id      = rule.value.id
      enabled = true
      prefix  = rule.value.prefix

      expiration {
        days = rule.value.days
      }
    }
  }
}

resource "digitalocean_spaces_bucket_cors_configuration" "work" {
  bucket = digitalocean_spaces_bucket.work.name
  region = var.region

  dynamic "cors_rule" {
    for_each = var.cors_origins
    iterator = origin

    content {
      allowed_methods = ["GET", "PUT"]
      allowed_origins = [origin.value]
    }
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "Production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.work.urn]])
}
