resource "digitalocean_spaces_bucket" "this" {
  name   = "${var.name}-${var.instance_id}"
  region = var.region

  versioning {
    enabled = true
  }

  lifecycle_rule {
    id      = "tmp"
    enabled = true
    prefix  = "tmp/"

    expiration {
      days = var.expire_tmp
    }
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_spaces_bucket.this.urn]])
}
