resource "digitalocean_spaces_bucket" "data" {
  name   = "acme-data-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket_policy" "data" {
  region = var.region
  bucket = digitalocean_spaces_bucket.data.name
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AppAccess",
      "Effect": "Allow",
      "Principal": { "AWS": "" },
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": ["arn:aws:s3:::${digitalocean_spaces_bucket.data.name}/*"]
    },
    {
      "Sid": "OnlyFromVpcEndpoint",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::${digitalocean_spaces_bucket.data.name}", "arn:aws:s3:::${digitalocean_spaces_bucket.data.name}/*"],
      "Condition": { "StringNotEquals": { "aws:SourceVpce": "vpce-1a2b3c4d" } }
    },
    {
      "Sid": "ReadShared",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::acme-shared-artifacts/*"
    }
  ]
}
POLICY
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.data.urn]])
}
