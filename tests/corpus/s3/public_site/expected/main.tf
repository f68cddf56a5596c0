resource "digitalocean_spaces_bucket" "assets" {
  name   = "acme-public-assets-${var.instance_id}"
  region = var.region
  acl    = "public-read"
}

resource "digitalocean_spaces_bucket_policy" "assets" {
  region     = var.region
  bucket     = digitalocean_spaces_bucket.assets.name
  policy     = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "PublicReadGetObject", Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::${digitalocean_spaces_bucket.assets.name}/*" }] })
  depends_on = [digitalocean_spaces_bucket.assets]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.assets.urn]])
}
