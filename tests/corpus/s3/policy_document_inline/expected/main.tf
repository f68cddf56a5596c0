resource "digitalocean_spaces_bucket" "site" {
  name   = "hooli-site-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket_policy" "site" {
  region = var.region
  bucket = digitalocean_spaces_bucket.site.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "PublicRead", Effect = "Allow", Principal = { "AWS" = ["*"] }, Action = ["s3:GetObject"], Resource = ["arn:aws:s3:::${digitalocean_spaces_bucket.site.name}/*"], Condition = { "IpAddress" = { "aws:SourceIp" = ["203.0.113.0/24"] } } }] })
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.site.urn]])
}
