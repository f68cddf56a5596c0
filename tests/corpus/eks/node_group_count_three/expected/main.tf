data "digitalocean_kubernetes_versions" "main" {
  version_prefix = "1.31."
}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "platform-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.main.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "workers-0"
    size       = "s-4vcpu-8gb"
    node_count = 1
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_kubernetes_node_pool" "workers" {
  count      = max(0, var.pools - 1)
  cluster_id = digitalocean_kubernetes_cluster.main.id
  name       = "workers-${(count.index + 1)}"
  size       = element(["s-8vcpu-16gb", "g-8vcpu-32gb"], count.index)
  node_count = 1 + (count.index + 1)
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
  resources = flatten([[digitalocean_kubernetes_cluster.main.urn]])
}
