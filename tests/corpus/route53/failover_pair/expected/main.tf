resource "digitalocean_domain" "main" {
  name = var.domain_name
}

resource "digitalocean_record" "primary_failover" {
  domain = digitalocean_domain.main.name
  type   = "A"
  name   = "www"
  value  = "198.51.100.20"
  ttl    = 60
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
