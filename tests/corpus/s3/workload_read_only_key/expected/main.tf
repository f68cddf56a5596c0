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

resource "digitalocean_spaces_key" "reporter_spaces" {
  name = "reporter-${var.instance_id}"

  grant {
    bucket     = digitalocean_spaces_bucket.uploads.name
    permission = "read"
  }
}

resource "kubernetes_secret_v1" "reporter_spaces" {
  metadata {
    name      = "reporter-spaces"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "reporter"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    AWS_ACCESS_KEY_ID     = digitalocean_spaces_key.reporter_spaces.access_key
    AWS_SECRET_ACCESS_KEY = digitalocean_spaces_key.reporter_spaces.secret_key
  }
}

resource "kubernetes_manifest" "reporter" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "shop-reporter-${var.instance_id}"
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
          timeoutSeconds       = 3
          containers           = [
            {
              image = "ghcr.io/example/shop-reporter:3.2.0"
              env   = [
                {
                  name  = "UPLOADS_BUCKET"
                  value = tostring(digitalocean_spaces_bucket.uploads.name)
                },
                {
                  name      = "AWS_ACCESS_KEY_ID"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.reporter_spaces.metadata[0].name
                      key  = "AWS_ACCESS_KEY_ID"
                    }
                  }
                },
                {
                  name      = "AWS_SECRET_ACCESS_KEY"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.reporter_spaces.metadata[0].name
                      key  = "AWS_SECRET_ACCESS_KEY"
                    }
                  }
                },
                {
                  name  = "AWS_ENDPOINT_URL_S3"
                  value = "https://${digitalocean_spaces_bucket.uploads.region}.digitaloceanspaces.com"
                },
              ]
              ports = [
                {
                  containerPort = 8080
                },
              ]
              resources = {
                requests = {
                  cpu    = "72m"
                  memory = "128Mi"
                }
                limits = {
                  memory = "128Mi"
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

resource "digitalocean_spaces_bucket" "assets" {
  name   = "shop-assets-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket" "uploads" {
  name   = "shop-uploads-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_key" "shop_spaces" {
  name = "shop-${var.instance_id}"

  grant {
    bucket     = digitalocean_spaces_bucket.assets.name
    permission = "read"
  }

  grant {
    bucket     = digitalocean_spaces_bucket.uploads.name
    permission = "readwrite"
  }
}

resource "kubernetes_secret_v1" "shop_spaces" {
  metadata {
    name      = "shop-spaces"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "shop"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    AWS_ACCESS_KEY_ID     = digitalocean_spaces_key.shop_spaces.access_key
    AWS_SECRET_ACCESS_KEY = digitalocean_spaces_key.shop_spaces.secret_key
  }
}

resource "digitalocean_container_registry_docker_credentials" "appliance" {
  registry_name = var.registry_name
  depends_on    = [digitalocean_container_registry.appliance]
}

resource "kubernetes_secret_v1" "registry" {
  metadata {
    name      = "registry-credentials"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
  }

  type = "kubernetes.io/dockerconfigjson"
  data = {
    ".dockerconfigjson" = digitalocean_container_registry_docker_credentials.appliance.docker_credentials
  }
}

resource "kubernetes_deployment_v1" "shop" {
  metadata {
    name      = "shop"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "shop"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 1

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "shop"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "shop"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "web"
          image = "registry.digitalocean.com/${var.registry_name}/example/shop:3.2.0"

          env {
            name  = "ASSETS_BUCKET"
            value = digitalocean_spaces_bucket.assets.name
          }

          env {
            name  = "UPLOADS_BUCKET"
            value = digitalocean_spaces_bucket.uploads.name
          }

          env {
            name = "AWS_ACCESS_KEY_ID"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.shop_spaces.metadata[0].name
                key  = "AWS_ACCESS_KEY_ID"
              }
            }
          }

          env {
            name = "AWS_SECRET_ACCESS_KEY"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.shop_spaces.metadata[0].name
                key  = "AWS_SECRET_ACCESS_KEY"
              }
            }
          }

          env {
            name  = "AWS_ENDPOINT_URL_S3"
            value = "https://${digitalocean_spaces_bucket.assets.region}.digitaloceanspaces.com"
          }

          resources {
            requests = {
              cpu    = "500m"
              memory = "1Gi"
            }
            limits = {
              cpu    = "500m"
              memory = "1Gi"
            }
          }
        }

        image_pull_secrets {
          name = kubernetes_secret_v1.registry.metadata[0].name
        }
      }
    }
  }
}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "shop-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.main.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "workloads"
    size       = "s-2vcpu-4gb"
    node_count = 2
    tags       = ["instance-id:${var.instance_id}"]
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
  resources = flatten([[digitalocean_spaces_bucket.assets.urn], [digitalocean_spaces_bucket.uploads.urn], [digitalocean_kubernetes_cluster.main.urn]])
}
