data "digitalocean_kubernetes_versions" "main" {}

resource "kubernetes_namespace_v1" "appliance" {
  metadata {
    name   = "appliance-${var.instance_id}"
    labels = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }
}

resource "digitalocean_container_registry" "appliance" {
  count                  = var.create_registry ? 1 : 0
  name                   = var.registry_name
  subscription_tier_slug = "basic"
}

resource "kubernetes_manifest" "register" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "orders-register-${var.instance_id}"
      namespace = kubernetes_namespace_v1.appliance.metadata[0].name
      labels    = {
        "app.kubernetes.io/managed-by"      = "ferry"
        "networking.knative.dev/visibility" = "cluster-local"
      }
    }
    spec = {
      template = {
        spec = {
          containerConcurrency = 1
          timeoutSeconds       = 30
          containers           = [
            {
              image = "registry.digitalocean.com/${var.registry_name}/orders-register:1.4.0"
              env   = [
                {
                  name      = "DB_URL"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.db_url.metadata[0].name
                      key  = "value"
                    }
                  }
                },
                {
                  name      = "SIGN_KEY"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.signing_key.metadata[0].name
                      key  = "value"
                    }
                  }
                },
                {
                  name      = "WEBHOOK"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.webhook.metadata[0].name
                      key  = "value"
                    }
                  }
                },
                {
                  name      = "WEBHOOK_URL"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.webhook.metadata[0].name
                      key  = "url"
                    }
                  }
                },
                {
                  name      = "WEBHOOK_TOKEN"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.webhook.metadata[0].name
                      key  = "token"
                    }
                  }
                },
                {
                  name  = "WEBHOOK_MODE"
                  value = tostring(jsondecode(kubernetes_secret_v1.webhook.data["value"])["mode"])
                },
                {
                  name  = "REGION_LABEL"
                  value = tostring("eu")
                },
                {
                  name  = "LOG_LEVEL"
                  value = "info"
                },
              ]
              ports = [
                {
                  containerPort = 8080
                },
              ]
              resources = {
                requests = {
                  cpu    = "289m"
                  memory = "512Mi"
                }
                limits = {
                  memory = "512Mi"
                }
              }
            },
          ]
        }
      }
    }
  }

  wait {
    condition {
      type   = "Ready"
      status = "True"
    }
  }
}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "orders-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.main.latest_version
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

resource "kubernetes_secret_v1" "signing_key" {
  metadata {
    name      = "signing-key"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = var.signing_key
  }
}

resource "kubernetes_secret_v1" "region_label" {
  metadata {
    name      = "region-label"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = "eu"
  }
}

resource "kubernetes_secret_v1" "webhook" {
  metadata {
    name      = "webhook"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = jsonencode({ token = var.signing_key, url = var.secret_webhook_url })
    token = var.signing_key
    url   = var.secret_webhook_url
  }
}

resource "kubernetes_secret_v1" "db_url" {
  metadata {
    name      = "orders-db-url"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = var.secret_orders_db_url
  }
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
