resource "digitalocean_vpc" "vpc" {
  name     = "app-${var.instance_id}"
  region   = var.region
  ip_range = "10.60.0.0/16"
}

resource "random_password" "api" {
  length  = 32
  special = false
}

resource "kubernetes_namespace_v1" "appliance" {
  metadata {
    name   = "appliance-${var.instance_id}"
    labels = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }
}

resource "kubernetes_secret_v1" "api_secret" {
  metadata {
    name      = "api-secret"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = jsonencode({ token = random_password.api.result })
    token = random_password.api.result
  }
}

resource "kubernetes_secret_v1" "log_level" {
  metadata {
    name      = "log-level"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = "info"
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
