resource "digitalocean_vpc" "replica" {
  name     = "${var.name}-${var.instance_id}"
  region   = var.region
  ip_range = "10.1.0.0/16"
}
