module "uploads" {
  source     = "./modules/s3-bucket"
  bucket     = "acme-uploads-${var.instance_id}"
  versioning = {
    enabled = true
  }
  cors_rule = [
    {
      allowed_methods = ["PUT", "POST"]
      allowed_origins = ["https://app.example.com"]
      expose_headers  = ["ETag"]
      max_age_seconds = 3000
    },
    {
      allowed_methods = ["GET"]
      allowed_origins = ["*"]
    },
  ]
  lifecycle_rule = [
    {
      id      = "tmp"
      enabled = true
      filter  = {
        prefix = "tmp/"
      }
      expiration = {
        days = 7
      }
    },
  ]
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
