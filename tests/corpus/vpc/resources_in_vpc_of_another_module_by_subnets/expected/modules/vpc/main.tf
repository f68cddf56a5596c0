resource "digitalocean_vpc" "this" {
  name     = "this-${var.instance_id}"
  region   = var.region
  ip_range = var.cidr
}
