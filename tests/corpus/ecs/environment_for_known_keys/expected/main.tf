locals {
  database_username        = "metadata"
  database_name            = "ipfs"
  split_database_host_port = split(":", "${digitalocean_database_cluster.database.host}:${digitalocean_database_cluster.database.port}")
}

data "digitalocean_kubernetes_versions" "main" {}

resource "digitalocean_database_cluster" "database" {
  name             = "ipfs-metadata-${var.instance_id}"
  engine           = "pg"
  version          = "16"
  size             = "db-s-1vcpu-1gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "database_db" {
  cluster_id = digitalocean_database_cluster.database.id
  name       = local.database_name
}

resource "digitalocean_database_user" "database_user" {
  cluster_id = digitalocean_database_cluster.database.id
  name       = local.database_username
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

resource "kubernetes_secret_v1" "database_master_user_secret" {
  metadata {
    name      = "database-master-user"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
  }

  type = "Opaque"
  data = {
    username = digitalocean_database_cluster.database.user
    password = digitalocean_database_cluster.database.password
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
          name  = "app"
          image = "registry.digitalocean.com/${var.registry_name}/dukeofgaming/ipfs-metadata:1.0.0"

          port {
            container_port = 8080
            protocol       = "TCP"
          }

          env {
            name  = "POSTGRES_DB"
            value = local.database_name
          }

          env {
            name  = "POSTGRES_HOST"
            value = local.split_database_host_port[0]
          }

          env {
            name = "POSTGRES_PASSWORD"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.database_master_user_secret.metadata[0].name
                key  = "password"
              }
            }
          }

          env {
            name  = "POSTGRES_PORT"
            value = local.split_database_host_port[1]
          }

          env {
            name  = "POSTGRES_USER"
            value = digitalocean_database_cluster.database.user
          }

          resources {
            requests = {
              cpu    = "125m"
              memory = "256Mi"
            }
            limits = {
              cpu    = "250m"
              memory = "512Mi"
            }
          }
        }

        container {
          name  = "worker"
          image = "registry.digitalocean.com/${var.registry_name}/dukeofgaming/ipfs-metadata:1.0.0"
          args  = ["worker"]

          resources {
            requests = {
              cpu    = "125m"
              memory = "256Mi"
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
  name    = "ipfs-metadata-${var.instance_id}"
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
  resources = flatten([[digitalocean_database_cluster.database.urn], [digitalocean_kubernetes_cluster.main.urn]])
}
