data "digitalocean_kubernetes_versions" "reports" {}

resource "digitalocean_kubernetes_cluster" "reports" {
  name    = "reports-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.reports.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "workloads"
    size       = "s-2vcpu-4gb"
    node_count = 2
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "kubernetes_namespace_v1" "appliance" {
  metadata {
    name   = "appliance-${var.instance_id}-reports"
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

resource "kubernetes_cron_job_v1" "nightly" {
  metadata {
    name      = "nightly-report"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "nightly-report"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    schedule = "0 0 1 1 *"
    suspend  = true

    job_template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "nightly-report"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        backoff_limit = 0

        template {
          metadata {
            labels = {
              "app.kubernetes.io/name"       = "nightly-report"
              "app.kubernetes.io/managed-by" = "ferry"
              "ferry.dev/instance-id"        = var.instance_id
            }
          }

          spec {
            container {
              name  = "report"
              image = "registry.digitalocean.com/${var.registry_name}/example/report:1.4.2@sha256:0f4b7a7e7c5d2c9a1b3e6f8d0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c"

              env {
                name  = "WAREHOUSE_ENDPOINT"
                value = "${var.db_warehouse_address}:${var.db_warehouse_port}"
              }

              resources {
                requests = {
                  cpu    = "250m"
                  memory = "512Mi"
                }
                limits = {
                  cpu    = "250m"
                  memory = "512Mi"
                }
              }
            }

            image_pull_secrets {
              name = kubernetes_secret_v1.registry.metadata[0].name
            }

            restart_policy = "Never"
          }
        }
      }
    }
  }
}

resource "digitalocean_project_resources" "appliance" {
  project   = var.project_id
  resources = flatten([[digitalocean_kubernetes_cluster.reports.urn]])
}
