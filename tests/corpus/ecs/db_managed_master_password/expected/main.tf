data "digitalocean_kubernetes_versions" "main" {}

resource "digitalocean_database_cluster" "main" {
  name       = "passly-aurora-${var.instance_id}"
  engine     = "pg"
  version    = "17"
  size       = "so1_5-2vcpu-16gb"
  region     = var.region
  node_count = 1
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "main_db" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "passly"
}

resource "digitalocean_database_user" "main_user" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "passly"
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

resource "kubernetes_secret_v1" "main_master_user_secret" {
  metadata {
    name      = "main-master-user"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
  }

  type = "Opaque"
  data = {
    username = digitalocean_database_cluster.main.user
    password = digitalocean_database_cluster.main.password
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

resource "kubernetes_deployment_v1" "api" {
  metadata {
    name      = "api"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "api"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 1

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "api"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "api"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "api"
          image = "registry.digitalocean.com/${var.registry_name}/example/passly-api:1.0.0"

          env {
            name  = "DB_HOST"
            value = digitalocean_database_cluster.main.host
          }

          env {
            name  = "DB_USER"
            value = digitalocean_database_cluster.main.user
          }

          env {
            name = "DB_PASSWORD"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.main_master_user_secret.metadata[0].name
                key  = "password"
              }
            }
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
  name    = "passly-${var.instance_id}"
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

resource "kubernetes_cron_job_v1" "migrate" {
  metadata {
    name      = "passly-migrate"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "passly-migrate"
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
          "app.kubernetes.io/name"       = "passly-migrate"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        backoff_limit = 0

        template {
          metadata {
            labels = {
              "app.kubernetes.io/name"       = "passly-migrate"
              "app.kubernetes.io/managed-by" = "ferry"
              "ferry.dev/instance-id"        = var.instance_id
            }
          }

          spec {
            container {
              name  = "migrate"
              image = "registry.digitalocean.com/${var.registry_name}/example/passly-migrate:1.0.0"

              env {
                name = "DB_USER"

                value_from {
                  secret_key_ref {
                    name = kubernetes_secret_v1.main_master_user_secret.metadata[0].name
                    key  = "username"
                  }
                }
              }

              env {
                name = "DB_PASSWORD"

                value_from {
                  secret_key_ref {
                    name = kubernetes_secret_v1.main_master_user_secret.metadata[0].name
                    key  = "password"
                  }
                }
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

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.main.urn], [digitalocean_kubernetes_cluster.main.urn]])
}
