resource "random_password" "app" {
  length  = 48
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

resource "kubernetes_secret_v1" "app" {
  metadata {
    name      = "app"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value      = jsonencode({ username = var.secret_app_username, password = random_password.app.result, api_secret = var.secret_app_api_secret })
    username   = var.secret_app_username
    password   = random_password.app.result
    api_secret = var.secret_app_api_secret
  }
}

resource "kubernetes_secret_v1" "stripe" {
  metadata {
    name      = "stripe"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = var.secret_stripe
  }
}

resource "kubernetes_secret_v1" "signing_key" {
  metadata {
    name      = "signing-key"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type        = "Opaque"
  binary_data = {
    value = filebase64("${path.module}/keys/signing.bin")
  }
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
