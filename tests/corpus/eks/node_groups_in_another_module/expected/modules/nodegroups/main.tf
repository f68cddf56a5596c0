data "digitalocean_kubernetes_cluster" "this_cluster" {
  name = var.cluster_name
}

resource "digitalocean_kubernetes_node_pool" "this" {
  for_each   = var.groups
  cluster_id = data.digitalocean_kubernetes_cluster.this_cluster.id
  name       = each.key
  size       = lookup({ "system" = "s-2vcpu-4gb", "argocd" = "s-4vcpu-8gb" }, each.key, "s-2vcpu-4gb")
  auto_scale = true
  min_nodes  = 1
  max_nodes  = 3
  labels     = each.value.labels
  tags       = ["instance-id:${var.instance_id}"]

  taint {
    key    = "dedicated"
    value  = each.key
    effect = "NoSchedule"
  }
}
