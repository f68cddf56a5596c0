data "digitalocean_kubernetes_versions" "jobs" {}

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

resource "kubernetes_deployment_v1" "worker" {
  metadata {
    name      = "worker"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "worker"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 4

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "worker"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "worker"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        termination_grace_period_seconds = 90

        container {
          name  = "worker"
          image = "registry.digitalocean.com/${var.registry_name}/jobs/worker@sha256:4f1c2a8b9d0e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a"
          args  = ["worker", "--concurrency", "8"]

          env {
            name  = "QUEUE_NAME"
            value = "work"
          }

          env {
            name  = "MAX_RETRIES"
            value = "5"
          }

          resources {
            requests = {
              cpu    = "2"
              memory = "4Gi"
            }
            limits = {
              cpu    = "2"
              memory = "4Gi"
            }
          }

          liveness_probe {
            period_seconds    = 20
            timeout_seconds   = 3
            failure_threshold = 2

            exec {
              command = ["/app/healthcheck"]
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

resource "digitalocean_kubernetes_cluster" "jobs" {
  name    = "jobs-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.jobs.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "workloads"
    size       = "s-4vcpu-8gb"
    node_count = 3
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "kubernetes_cron_job_v1" "migrate" {
  metadata {
    name      = "jobs-migrate"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "jobs-migrate"
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
          "app.kubernetes.io/name"       = "jobs-migrate"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        backoff_limit = 0

        template {
          metadata {
            labels = {
              "app.kubernetes.io/name"       = "jobs-migrate"
              "app.kubernetes.io/managed-by" = "ferry"
              "ferry.dev/instance-id"        = var.instance_id
            }
          }

          spec {
            container {
              name  = "migrate"
              image = "registry.digitalocean.com/${var.registry_name}/jobs/migrate:1.0.0"
              args  = ["migrate", "up"]

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

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_kubernetes_cluster.jobs.urn]])
}
