data "digitalocean_kubernetes_versions" "main" {}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "app-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.main.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "default"
    size       = "s-4vcpu-8gb"
    auto_scale = true
    min_nodes  = 2
    max_nodes  = 4
    tags       = ["instance-id:${var.instance_id}", "lb:web-${var.instance_id}"]
  }
}

resource "digitalocean_loadbalancer" "web" {
  name        = "web-${var.instance_id}"
  type        = "REGIONAL"
  region      = var.region
  droplet_tag = "lb:web-${var.instance_id}"

  forwarding_rule {
    entry_protocol  = "http"
    entry_port      = 80
    target_protocol = "http"
    target_port     = 30080
  }

  healthcheck {
    protocol = "http"
    port     = 30080
    path     = "/healthz"
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
  resources = flatten([[digitalocean_kubernetes_cluster.main.urn], [digitalocean_loadbalancer.web.urn]])
}
