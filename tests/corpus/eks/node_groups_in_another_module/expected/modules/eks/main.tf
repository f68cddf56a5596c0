data "digitalocean_kubernetes_versions" "this" {
  version_prefix = "1.31."
}

resource "digitalocean_kubernetes_cluster" "this" {
  name    = "monitoring-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.this.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "default"
    size       = "s-2vcpu-4gb"
    auto_scale = true
    min_nodes  = 2
    max_nodes  = 4
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_kubernetes_cluster.this.urn]])
}
