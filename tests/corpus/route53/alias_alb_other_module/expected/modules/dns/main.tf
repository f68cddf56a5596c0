resource "digitalocean_record" "api" {
  domain = var.zone_id
  type   = "A"
  name   = "api"
  value  = var.lb_dns
  ttl    = 300
}
