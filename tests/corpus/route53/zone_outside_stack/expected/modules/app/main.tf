resource "digitalocean_record" "app" {
  domain = var.zone_id
  type   = "CNAME"
  name   = "app"
  value  = "app.example.net."
  ttl    = 300
}
