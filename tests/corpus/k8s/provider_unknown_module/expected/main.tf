resource "kubernetes_namespace" "app" {
  metadata {
    name = "app-${var.instance_id}"
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
