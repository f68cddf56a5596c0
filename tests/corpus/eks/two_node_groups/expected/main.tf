locals {
  name = "acme-${var.instance_id}"
}

data "digitalocean_kubernetes_versions" "main" {
  version_prefix = "1.30."
}

resource "digitalocean_vpc" "main" {
  name     = local.name
  region   = var.region
  ip_range = "10.20.0.0/16"
}

resource "digitalocean_kubernetes_cluster" "main" {
  name           = "acme-${var.instance_id}"
  region         = var.region
  version        = data.digitalocean_kubernetes_versions.main.latest_version
  vpc_uuid       = digitalocean_vpc.main.id
  ha             = true
  service_subnet = "172.20.0.0/16"
  tags           = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "system"
    size       = "g-2vcpu-8gb"
    node_count = 2
    labels     = {
      role = "system"
    }
    tags = ["instance-id:${var.instance_id}"]
  }

  control_plane_firewall {
    enabled           = true
    allowed_addresses = var.admin_cidrs
  }
}

resource "digitalocean_kubernetes_node_pool" "workers" {
  cluster_id = digitalocean_kubernetes_cluster.main.id
  name       = "workers"
  size       = "c-8"
  auto_scale = true
  min_nodes  = 1
  max_nodes  = 10
  labels     = {
    role     = "batch"
    workload = "compute"
  }
  tags = ["instance-id:${var.instance_id}"]

  taint {
    key    = "dedicated"
    value  = "batch"
    effect = "NoSchedule"
  }

  taint {
    key    = "spot"
    value  = ""
    effect = "PreferNoSchedule"
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
  resources = flatten([[digitalocean_kubernetes_cluster.main.urn]])
}
