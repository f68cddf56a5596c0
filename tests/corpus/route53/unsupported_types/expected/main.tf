resource "digitalocean_domain" "main" {
  name = "${var.instance_id}.apps.example.com"
}

resource "digitalocean_domain" "reverse" {
  name = "2.0.192.in-addr.arpa"
}

resource "digitalocean_record" "spf" {
  domain = digitalocean_domain.main.name
  type   = "TXT"
  name   = "@"
  value  = "v=spf1 mx -all"
  ttl    = 3600
}

resource "digitalocean_record" "caa_bad" {
  domain = digitalocean_domain.main.name
  type   = "CAA"
  name   = "@"
  flags  = 0
  tag    = "issue"
  value  = "amazon.com"
  ttl    = 3600
}

resource "digitalocean_record" "external" {
  domain = var.dns_domain
  type   = "CNAME"
  name   = trimsuffix("legacy.example.com", ".") == var.dns_domain ? "@" : trimsuffix(trimsuffix("legacy.example.com", "."), ".${var.dns_domain}")
  value  = "old-host.example.net."
  ttl    = 300
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_domain.main.urn], [digitalocean_domain.reverse.urn]])
}
