resource "digitalocean_cdn" "site" {
  origin = var.origin_domain
  ttl    = 3600
}
