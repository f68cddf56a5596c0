data "digitalocean_kubernetes_versions" "billing" {}

resource "digitalocean_database_cluster" "main" {
  name             = "billing-${var.instance_id}"
  engine           = "pg"
  version          = "15"
  size             = "db-s-2vcpu-4gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "51200"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "main_user" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "billing"
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

resource "kubernetes_deployment_v1" "api" {
  metadata {
    name      = "billing-api"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "billing-api"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 2

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "billing-api"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "billing-api"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name    = "api"
          image   = "registry.digitalocean.com/${var.registry_name}/billing/api:${var.release}"
          command = ["/app/bin/server"]
          args    = ["--port", var.app_port, "--workers", "4"]

          port {
            container_port = var.app_port
            protocol       = "TCP"
          }

          env {
            name  = "DATABASE_HOST"
            value = digitalocean_database_cluster.main.host
          }

          env {
            name  = "DATABASE_PORT"
            value = digitalocean_database_cluster.main.port
          }

          env {
            name  = "DATABASE_URL"
            value = "postgres://billing@${digitalocean_database_cluster.main.host}:${digitalocean_database_cluster.main.port}/billing"
          }

          env {
            name  = "LOG_LEVEL"
            value = "info"
          }

          env {
            name  = "FEATURE_FLAGS"
            value = "invoices,\"beta\""
          }

          resources {
            requests = {
              cpu    = "1"
              memory = "2Gi"
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

resource "kubernetes_service_v1" "api" {
  metadata {
    name      = "billing-api"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "billing-api"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    selector = {
      "app.kubernetes.io/name" = "billing-api"
    }

    port {
      name        = "tcp-8080"
      port        = var.app_port
      target_port = var.app_port
      protocol    = "TCP"
    }
  }
}

resource "digitalocean_kubernetes_cluster" "billing" {
  name    = "billing-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.billing.latest_version
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
  resources = flatten([[digitalocean_database_cluster.main.urn], [digitalocean_kubernetes_cluster.billing.urn]])
}
