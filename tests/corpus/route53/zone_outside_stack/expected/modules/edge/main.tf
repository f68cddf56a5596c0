resource "digitalocean_record" "cdn" {
  domain = var.dns_domain
  type   = "CNAME"
  name   = "cdn"
  value  = "cdn.example.net."
  ttl    = 300
}
