resource "digitalocean_loadbalancer" "empty" {
  name   = "empty-${var.instance_id}"
  type   = "REGIONAL"
  region = var.region

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 80
  }
}

resource "digitalocean_loadbalancer" "portal" {
  name                      = "portal-${var.instance_id}"
  type                      = "REGIONAL"
  region                    = var.region
  http_idle_timeout_seconds = 30
  droplet_tag               = "lb:portal-${var.instance_id}"

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 8080
  }

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 8082
    target_protocol = "http"
    target_port     = 8080
  }

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 8083
    target_protocol = "http"
    target_port     = 8083
  }

  healthcheck {
    protocol = "http"
    port     = 8080
    path     = "/"
  }

  sticky_sessions {
    type               = "cookies"
    cookie_name        = "DO-LB"
    cookie_ttl_seconds = 86400
  }
}

resource "digitalocean_droplet_autoscale" "green" {
  name = "green-${var.instance_id}"

  config {
    target_number_instances = 2
  }

  droplet_template {
    size               = "s-2vcpu-2gb"
    region             = var.region
    image              = "ubuntu-24-04-x64"
    ssh_keys           = []
    project_id         = digitalocean_project.appliance.id
    with_droplet_agent = true
    tags               = ["instance-id:${var.instance_id}", "lb:portal-${var.instance_id}"]
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
  resources = flatten([[digitalocean_loadbalancer.empty.urn], [digitalocean_loadbalancer.portal.urn]])
}
