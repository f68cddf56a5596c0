resource "digitalocean_spaces_bucket" "code" {
  name   = "${var.name_prefix}-code-${var.instance_id}"
  region = var.region

  versioning {
    enabled = true
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_spaces_bucket.code.urn]])
}
