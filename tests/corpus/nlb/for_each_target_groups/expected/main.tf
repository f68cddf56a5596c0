resource "digitalocean_loadbalancer" "git" {
  name   = "git-${var.instance_id}"
  type   = "REGIONAL_NETWORK"
  region = var.region

  forwarding_rule {
    entry_protocol  = "tcp"
    entry_port      = 80
    target_protocol = "tcp"
    target_port     = 80
  }

  forwarding_rule {
    entry_protocol  = "tcp"
    entry_port      = 443
    target_protocol = "tcp"
    target_port     = 443
  }

  forwarding_rule {
    entry_protocol  = "tcp"
    entry_port      = 22
    target_protocol = "tcp"
    target_port     = 2222
  }

  healthcheck {
    protocol               = "http"
    port                   = 80
    path                   = "/-/health"
    check_interval_seconds = 30
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
  resources = flatten([[digitalocean_loadbalancer.git.urn]])
}
