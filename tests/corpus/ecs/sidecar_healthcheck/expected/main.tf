locals {
  app = "storefront"
}

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

resource "kubernetes_deployment_v1" "storefront" {
  metadata {
    name      = "storefront"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "storefront"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 2

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "storefront"
      }
    }

    strategy {
      type = "RollingUpdate"

      rolling_update {
        max_surge       = "50%"
        max_unavailable = "0%"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "storefront"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        termination_grace_period_seconds = 30

        init_container {
          name  = "migrate"
          image = "registry.digitalocean.com/${var.registry_name}/storefront/app:5.2.0"
          args  = ["bin/rails", "db:migrate"]

          resources {
            requests = {
              cpu    = "125m"
              memory = "256Mi"
            }
            limits = {
              cpu    = "1"
              memory = "256Mi"
            }
          }
        }

        container {
          name  = "app"
          image = "registry.digitalocean.com/${var.registry_name}/storefront/app:5.2.0"

          port {
            container_port = 3000
            protocol       = "TCP"
          }

          env {
            name  = "TZ"
            value = "UTC"
          }

          env {
            name  = "OTEL_EXPORTER_OTLP_ENDPOINT"
            value = "http://localhost:4317"
          }

          env {
            name  = "RAILS_ENV"
            value = "production"
          }

          resources {
            requests = {
              cpu    = "750m"
              memory = "1Gi"
            }
            limits = {
              cpu    = "1"
              memory = "1536Mi"
            }
          }

          liveness_probe {
            initial_delay_seconds = 45
            period_seconds        = 10
            timeout_seconds       = 2
            failure_threshold     = 5

            exec {
              command = ["/bin/sh", "-c", "curl -fsS http://localhost:3000/up || exit 1"]
            }
          }

          security_context {
            run_as_user  = 1000
            run_as_group = 1000
          }
        }

        container {
          name  = "nginx"
          image = "registry.digitalocean.com/${var.registry_name}/nginx:1.27-alpine"

          port {
            container_port = 80
            protocol       = "TCP"
            name           = "http"
          }

          resources {
            requests = {
              cpu    = "63m"
              memory = "384Mi"
            }
            limits = {
              cpu    = "1"
              memory = "2Gi"
            }
          }

          security_context {
            read_only_root_filesystem = true
          }
        }

        container {
          name  = "otel"
          image = "registry.digitalocean.com/${var.registry_name}/aws-observability/aws-otel-collector:v0.40.0"
          args  = ["--config=/etc/ecs/ecs-default-config.yaml"]

          env {
            name  = "TZ"
            value = "UTC"
          }

          env {
            name  = "OTEL_EXPORTER_OTLP_ENDPOINT"
            value = "http://localhost:4317"
          }

          resources {
            requests = {
              cpu    = "63m"
              memory = "384Mi"
            }
            limits = {
              cpu    = "1"
              memory = "2Gi"
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

resource "kubernetes_service_v1" "storefront" {
  metadata {
    name      = "storefront"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "storefront"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    selector = {
      "app.kubernetes.io/name" = "storefront"
    }

    port {
      name        = "tcp-3000"
      port        = 3000
      target_port = "3000"
      protocol    = "TCP"
    }

    port {
      name        = "http"
      port        = 80
      target_port = "80"
      protocol    = "TCP"
    }
  }
}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "${local.app}-${var.instance_id}"
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
  resources = flatten([[digitalocean_kubernetes_cluster.main.urn]])
}
