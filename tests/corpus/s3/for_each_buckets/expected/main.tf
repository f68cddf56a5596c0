resource "digitalocean_spaces_bucket" "this" {
  for_each = var.buckets
  name     = "acme-${each.key}-${var.instance_id}"
  region   = var.region
  acl      = "private"

  versioning {
    enabled = true
  }
}

resource "digitalocean_spaces_bucket" "single" {
  count  = 2
  name   = "acme-shard-${count.index}-${var.instance_id}"
  region = var.region

  versioning {
    enabled = false
  }
}

resource "digitalocean_spaces_bucket_policy" "deny_http" {
  for_each = digitalocean_spaces_bucket.this
  region   = var.region
  bucket   = each.value.name
  policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "DenyInsecureTransport", Effect = "Deny", Principal = "*", Action = "s3:*", Resource = ["arn:aws:s3:::${each.value.name}", "arn:aws:s3:::${each.value.name}/*"], Condition = { Bool = { "aws:SecureTransport" = "false" } } }] })
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([values(digitalocean_spaces_bucket.this)[*].urn, digitalocean_spaces_bucket.single[*].urn])
}
