resource "digitalocean_droplet" "app" {
  count  = 2
  name   = "legacy-app-${count.index}-${var.instance_id}"
  region = var.region
  size   = "s-2vcpu-2gb"
  image  = "ubuntu-24-04-x64"
  tags   = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_certificate" "legacy" {
  name    = "legacy-${var.instance_id}"
  type    = "lets_encrypt"
  domains = ["legacy.example.com", "www.legacy.example.com"]
}

resource "digitalocean_loadbalancer" "legacy" {
  name                             = "legacy-elb-${var.instance_id}"
  type                             = "REGIONAL"
  region                           = var.region
  http_idle_timeout_seconds        = 600
  disable_lets_encrypt_dns_records = true
  droplet_ids                      = digitalocean_droplet.app[*].id

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 8000
  }

  forwarding_rule {
    entry_protocol   = "https"
    entry_port       = 443
    target_protocol  = "http"
    target_port      = 8000
    certificate_name = digitalocean_certificate.legacy.name
  }

  healthcheck {
    protocol                 = "http"
    port                     = 8000
    path                     = "/status"
    check_interval_seconds   = 30
    response_timeout_seconds = 3
    healthy_threshold        = 2
    unhealthy_threshold      = 2
  }

  firewall {
    allow = ["cidr:10.8.0.0/16", "cidr:192.0.2.0/24"]
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([digitalocean_droplet.app[*].urn, [digitalocean_loadbalancer.legacy.urn]])
}
