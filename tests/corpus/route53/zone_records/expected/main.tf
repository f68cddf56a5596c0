resource "digitalocean_domain" "main" {
  name = var.domain
}

resource "digitalocean_record" "apex" {
  domain = digitalocean_domain.main.name
  type   = "A"
  name   = "@"
  value  = "203.0.113.10"
  ttl    = 300
}

resource "digitalocean_record" "apex_2" {
  domain = digitalocean_domain.main.name
  type   = "A"
  name   = "@"
  value  = "203.0.113.11"
  ttl    = 300
}

resource "digitalocean_record" "apex_v6" {
  domain = digitalocean_domain.main.name
  type   = "AAAA"
  name   = "@"
  value  = "2001:db8::10"
  ttl    = 300
}

resource "digitalocean_record" "www" {
  domain = digitalocean_domain.main.name
  type   = "CNAME"
  name   = "www"
  value  = "${var.domain}."
  ttl    = 3600
}

resource "digitalocean_record" "docs" {
  domain = digitalocean_domain.main.name
  type   = "CNAME"
  name   = "docs"
  value  = "acme.readthedocs.io."
  ttl    = 3600
}

resource "digitalocean_record" "mx" {
  domain   = digitalocean_domain.main.name
  type     = "MX"
  name     = "@"
  priority = 10
  value    = "${var.mail_host}."
  ttl      = 3600
}

resource "digitalocean_record" "mx_2" {
  domain   = digitalocean_domain.main.name
  type     = "MX"
  name     = "@"
  priority = 20
  value    = "mx2.mailhost.example.net."
  ttl      = 3600
}

resource "digitalocean_record" "spf" {
  domain = digitalocean_domain.main.name
  type   = "TXT"
  name   = "@"
  value  = "v=spf1 include:_spf.mailhost.example.net ~all"
  ttl    = 3600
}

resource "digitalocean_record" "dkim" {
  domain = digitalocean_domain.main.name
  type   = "TXT"
  name   = "mail._domainkey"
  value  = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1b2c3d4e5f6IDAQAB"
  ttl    = 3600
}

resource "digitalocean_record" "sip" {
  domain   = digitalocean_domain.main.name
  type     = "SRV"
  name     = "_sip._tcp"
  priority = 10
  weight   = 60
  port     = 5060
  value    = "sip.${var.domain}."
  ttl      = 600
}

resource "digitalocean_record" "caa" {
  domain = digitalocean_domain.main.name
  type   = "CAA"
  name   = "@"
  flags  = 0
  tag    = "issue"
  value  = "letsencrypt.org"
  ttl    = 3600
}

resource "digitalocean_record" "caa_2" {
  domain = digitalocean_domain.main.name
  type   = "CAA"
  name   = "@"
  flags  = 0
  tag    = "iodef"
  value  = "mailto:security@example.com"
  ttl    = 3600
}

resource "digitalocean_record" "delegate_eu" {
  domain = digitalocean_domain.main.name
  type   = "NS"
  name   = "eu"
  value  = "ns-1.eu-dns.example.org."
  ttl    = 86400
}

resource "digitalocean_record" "delegate_eu_2" {
  domain = digitalocean_domain.main.name
  type   = "NS"
  name   = "eu"
  value  = "ns-2.eu-dns.example.org."
  ttl    = 86400
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_domain.main.urn]])
}
