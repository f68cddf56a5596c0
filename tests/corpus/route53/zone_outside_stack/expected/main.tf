module "edge" {
  source      = "./modules/edge"
  dns_domain  = var.dns_domain
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

module "app" {
  source      = "./modules/app"
  zone_id     = data.digitalocean_domain.company.name
  instance_id = var.instance_id
  region      = var.region
  project_id  = digitalocean_project.appliance.id
}

data "digitalocean_domain" "company" {
  name = var.dns_domain
}

resource "digitalocean_reserved_ip" "web" {
  region = var.region
}

resource "digitalocean_record" "www" {
  domain = var.dns_domain
  type   = "A"
  name   = trimsuffix("www.example.com", ".") == var.dns_domain ? "@" : trimsuffix(trimsuffix("www.example.com", "."), ".${var.dns_domain}")
  value  = digitalocean_reserved_ip.web.ip_address
  ttl    = 300
}

resource "digitalocean_record" "api" {
  domain = var.dns_domain
  type   = "CNAME"
  name   = "api"
  value  = "www.example.com."
  ttl    = 300
}

resource "digitalocean_record" "status" {
  domain = data.digitalocean_domain.company.name
  type   = "A"
  name   = "status"
  value  = digitalocean_reserved_ip.web.ip_address
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
  resources = flatten([[digitalocean_reserved_ip.web.urn]])
}
