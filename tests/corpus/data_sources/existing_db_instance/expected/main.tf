data "digitalocean_kubernetes_versions" "migration" {}

resource "digitalocean_kubernetes_cluster" "migration" {
  name    = "migration-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.migration.latest_version
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

resource "kubernetes_cron_job_v1" "flyway" {
  metadata {
    name      = "flyway"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "flyway"
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
          "app.kubernetes.io/name"       = "flyway"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        backoff_limit = 0

        template {
          metadata {
            labels = {
              "app.kubernetes.io/name"       = "flyway"
              "app.kubernetes.io/managed-by" = "ferry"
              "ferry.dev/instance-id"        = var.instance_id
            }
          }

          spec {
            container {
              name  = "flyway"
              image = "registry.digitalocean.com/${var.registry_name}/flyway/flyway:10.17.0@sha256:3c1e5e2b1a9c5a7d1f0e6a0bd1f4a2f3c9d7e5b4a3c2d1e0f9a8b7c6d5e4f3a2"
              args  = ["migrate"]

              env {
                name  = "DATABASE_URL"
                value = "jdbc:oracle:thin:@${var.db_legacy_address}:${var.db_legacy_port}/${var.db_legacy_db_name}"
              }

              env {
                name  = "FLYWAY_USER"
                value = var.db_legacy_master_username
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
  resources = flatten([[digitalocean_kubernetes_cluster.migration.urn]])
}
