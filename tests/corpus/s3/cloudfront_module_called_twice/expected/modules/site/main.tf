resource "digitalocean_spaces_bucket" "site" {
  name   = "site-${var.instance_id}"
  region = var.region
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_spaces_bucket.site.urn]])
}
