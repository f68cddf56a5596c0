data "digitalocean_kubernetes_versions" "this" {
  version_prefix = "1.31."
}

resource "digitalocean_kubernetes_cluster" "this" {
  name     = "app-${var.instance_id}"
  region   = var.region
  version  = data.digitalocean_kubernetes_versions.this.latest_version
  vpc_uuid = try(var.subnet_ids[0], var.subnet_ids)
  ha       = true
  tags     = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "default"
    size       = "s-4vcpu-8gb"
    auto_scale = true
    min_nodes  = 1
    max_nodes  = 3
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_kubernetes_cluster.this.urn]])
}
