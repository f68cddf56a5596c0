data "digitalocean_kubernetes_versions" "main" {}

resource "digitalocean_container_registry" "appliance" {
  count                  = var.create_registry ? 1 : 0
  name                   = var.registry_name
  subscription_tier_slug = "basic"
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

resource "kubernetes_deployment_v1" "app" {
  metadata {
    name      = "app"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "app"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 1

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "app"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "app"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "api"
          image = "registry.digitalocean.com/${var.registry_name}/oscorp/api:${var.api_version}"

          port {
            container_port = 8080
            protocol       = "TCP"
          }

          resources {
            requests = {
              cpu    = "400m"
              memory = "819Mi"
            }
            limits = {
              cpu    = "2"
              memory = "4Gi"
            }
          }
        }

        container {
          name  = "worker"
          image = "registry.digitalocean.com/${var.registry_name}/oscorp/worker@sha256:9b2f6c1d0e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"

          resources {
            requests = {
              cpu    = "400m"
              memory = "819Mi"
            }
            limits = {
              cpu    = "2"
              memory = "4Gi"
            }
          }
        }

        container {
          name  = "base-tools"
          image = "registry.digitalocean.com/${var.registry_name}/oscorp/base:2024.05"

          resources {
            requests = {
              cpu    = "400m"
              memory = "819Mi"
            }
            limits = {
              cpu    = "2"
              memory = "4Gi"
            }
          }
        }

        container {
          name  = "cache"
          image = "registry.digitalocean.com/${var.registry_name}/redis:7.2"

          resources {
            requests = {
              cpu    = "400m"
              memory = "819Mi"
            }
            limits = {
              cpu    = "2"
              memory = "4Gi"
            }
          }
        }

        container {
          name  = "agent"
          image = "registry.digitalocean.com/${var.registry_name}/oscorp/agent:0.9.3"

          resources {
            requests = {
              cpu    = "400m"
              memory = "819Mi"
            }
            limits = {
              cpu    = "2"
              memory = "4Gi"
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

resource "kubernetes_service_v1" "app" {
  metadata {
    name      = "app"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "app"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    selector = {
      "app.kubernetes.io/name" = "app"
    }

    port {
      name        = "tcp-8080"
      port        = 8080
      target_port = "8080"
      protocol    = "TCP"
    }
  }
}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "oscorp-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.main.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "workloads"
    size       = "s-4vcpu-8gb"
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
  resources = flatten([[digitalocean_kubernetes_cluster.main.urn]])
}
