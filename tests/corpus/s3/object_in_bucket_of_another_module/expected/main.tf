module "s3" {
  source      = "./modules/s3"
  bucket_name = "rag-documents"
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

resource "digitalocean_spaces_bucket_object" "seed" {
  region       = var.region
  bucket       = module.s3.bucket_name
  key          = "docs/welcome.md"
  content      = "# Welcome\n"
  content_type = "text/markdown"
}

resource "digitalocean_spaces_bucket_cors_configuration" "web" {
  bucket = module.s3.bucket_name
  region = var.region

  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["https://example.com"]
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
