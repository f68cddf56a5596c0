data "digitalocean_kubernetes_versions" "main" {
  version_prefix = "1.31."
}

data "digitalocean_kubernetes_versions" "batch" {
  version_prefix = "1.31."
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
    node_count = 2
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_kubernetes_cluster" "batch" {
  name    = "batch-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.batch.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "batch-0"
    size       = "s-4vcpu-8gb"
    node_count = 1
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_kubernetes_node_pool" "this" {
  for_each   = {for k, v in var.node_groups : k => v if k != "general"}
  cluster_id = digitalocean_kubernetes_cluster.main.id
  name       = each.key
  size       = lookup({ "compute" = "c-8", "memory" = "m-4vcpu-32gb" }, each.key, "c-8")
  node_count = each.value.size
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_kubernetes_node_pool" "batch" {
  count      = 2
  cluster_id = digitalocean_kubernetes_cluster.batch.id
  name       = "batch-${(count.index + 1)}"
  size       = "s-4vcpu-8gb"
  node_count = 1
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
  resources = flatten([[digitalocean_kubernetes_cluster.main.urn], [digitalocean_kubernetes_cluster.batch.urn]])
}
