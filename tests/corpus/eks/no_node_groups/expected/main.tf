data "digitalocean_kubernetes_versions" "analytics" {}

resource "digitalocean_vpc" "main" {
  name     = "analytics-${var.instance_id}"
  region   = var.region
  ip_range = "10.50.0.0/16"
}

resource "digitalocean_kubernetes_cluster" "analytics" {
  name     = "analytics-${var.instance_id}"
  region   = var.region
  version  = data.digitalocean_kubernetes_versions.analytics.latest_version
  vpc_uuid = digitalocean_vpc.main.id
  ha       = true
  tags     = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "default"
    size       = "s-2vcpu-4gb"
    auto_scale = true
    min_nodes  = 2
    max_nodes  = 4
    tags       = ["instance-id:${var.instance_id}"]
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
  resources = flatten([[digitalocean_kubernetes_cluster.analytics.urn]])
}
