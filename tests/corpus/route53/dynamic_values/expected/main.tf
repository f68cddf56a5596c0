data "digitalocean_domain" "app" {
  name = var.domain
}

resource "digitalocean_record" "ingress" {
  count  = length(var.ingress_ips)
  domain = data.digitalocean_domain.app.name
  type   = "A"
  name   = "ingress"
  value  = var.ingress_ips[count.index]
  ttl    = 120
}

resource "digitalocean_record" "mx" {
  for_each = var.mail_exchangers
  domain   = data.digitalocean_domain.app.name
  type     = "MX"
  name     = "@"
  priority = each.value.priority
  value    = "${each.value.host}."
  ttl      = 3600
}

resource "digitalocean_record" "verify" {
  count  = length(var.txt_records) > 0 ? 1 : 0
  domain = data.digitalocean_domain.app.name
  type   = "TXT"
  name   = "@"
  value  = var.txt_records[0]
  ttl    = 300
}

resource "digitalocean_record" "parent_delegation" {
  domain = var.dns_domain
  type   = "NS"
  name   = trimsuffix(var.domain, ".") == var.dns_domain ? "@" : trimsuffix(trimsuffix(var.domain, "."), ".${var.dns_domain}")
  value  = "ns1.partner-dns.example."
  ttl    = 300
}

resource "digitalocean_record" "parent_delegation_2" {
  domain = var.dns_domain
  type   = "NS"
  name   = trimsuffix(var.domain, ".") == var.dns_domain ? "@" : trimsuffix(trimsuffix(var.domain, "."), ".${var.dns_domain}")
  value  = "ns2.partner-dns.example."
  ttl    = 300
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
