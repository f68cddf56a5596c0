data "digitalocean_kubernetes_versions" "this" {}

resource "digitalocean_kubernetes_cluster" "this" {
  name    = "${var.cluster_name}-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.this.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "workloads"
    size       = "s-2vcpu-4gb"
    node_count = 2
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_kubernetes_cluster.this.urn]])
}
