resource "digitalocean_spaces_bucket" "config" {
  name   = "acme-config-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket_object" "settings" {
  region       = var.region
  bucket       = digitalocean_spaces_bucket.config.name
  key          = "settings/app.json"
  content      = jsonencode({ feature_flags = { beta = false } })
  content_type = "application/json"
}

resource "digitalocean_spaces_bucket_object" "logo" {
  region        = var.region
  bucket        = digitalocean_spaces_bucket.config.name
  key           = "static/logo.png"
  source        = "${path.module}/files/logo.png"
  content_type  = "image/png"
  cache_control = "max-age=86400"
  metadata      = {
    owner = "design"
  }
  etag = filemd5("${path.module}/files/logo.png")
  acl  = "public-read"
}

resource "digitalocean_spaces_bucket_object" "readme" {
  region  = var.region
  bucket  = digitalocean_spaces_bucket.config.name
  key     = "README.txt"
  content = "Configuration bucket of the appliance."
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.config.urn]])
}
