data "digitalocean_kubernetes_versions" "main" {
  version_prefix = "1.30."
}

data "digitalocean_kubernetes_versions" "edge" {
  version_prefix = "1.30."
}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "platform-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.main.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "general"
    size       = "g-2vcpu-8gb"
    auto_scale = true
    min_nodes  = 2
    max_nodes  = 4
    labels     = {
      group = "general"
    }
    tags = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_kubernetes_cluster" "edge" {
  name    = "edge-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.edge.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "edge-blue"
    size       = "s-2vcpu-4gb"
    node_count = 2
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_kubernetes_node_pool" "this" {
  for_each   = {for k, v in var.node_groups : k => v if k != "general"}
  cluster_id = digitalocean_kubernetes_cluster.main.id
  name       = each.key
  size       = lookup({ "compute" = "c-8", "memory" = "m-4vcpu-32gb" }, each.key, "c-8")
  auto_scale = true
  min_nodes  = each.value.min
  max_nodes  = each.value.max
  labels     = {
    group = each.key
  }
  tags = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_kubernetes_node_pool" "batch" {
  count      = 2
  cluster_id = digitalocean_kubernetes_cluster.main.id
  name       = "batch-${count.index}"
  size       = element(["s-4vcpu-8gb", "s-8vcpu-16gb"], count.index)
  node_count = 1
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_kubernetes_node_pool" "edge" {
  for_each   = toset([for v in toset(["blue", "green"]) : v if v != "blue"])
  cluster_id = digitalocean_kubernetes_cluster.edge.id
  name       = "edge-${each.value}"
  size       = "s-2vcpu-4gb"
  node_count = 2
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_kubernetes_cluster.main.urn], [digitalocean_kubernetes_cluster.edge.urn]])
}
