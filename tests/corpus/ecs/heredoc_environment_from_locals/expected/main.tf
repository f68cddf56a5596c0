data "digitalocean_kubernetes_versions" "main" {}

resource "digitalocean_database_cluster" "main" {
  name             = "app-${var.instance_id}"
  engine           = "mysql"
  version          = "8"
  size             = "db-s-1vcpu-1gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "10240"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "main_db" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "app"
}

resource "digitalocean_database_user" "main_user" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "root"
}

resource "digitalocean_database_cluster" "cache" {
  name            = "app-${var.instance_id}-cache"
  engine          = "valkey"
  version         = "8"
  size            = "db-s-1vcpu-1gb"
  region          = var.region
  node_count      = 1
  eviction_policy = "volatile_lru"
  tags            = ["instance-id:${var.instance_id}"]
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

resource "kubernetes_secret_v1" "cache_valkey_password" {
  metadata {
    name      = "cache-valkey"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
  }

  type = "Opaque"
  data = {
    password = digitalocean_database_cluster.cache.password
  }
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

resource "kubernetes_deployment_v1" "worker" {
  metadata {
    name      = "app-worker"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "app-worker"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 1

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "app-worker"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "app-worker"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "php"
          image = "registry.digitalocean.com/${var.registry_name}/chynkm/laravel-ecs:latest"

          env {
            name  = "QUEUE_CONNECTION"
            value = "redis"
          }

          env {
            name  = "REDIS_HOST"
            value = digitalocean_database_cluster.cache.host
          }

          env {
            name = "REDIS_PASSWORD"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.cache_valkey_password.metadata[0].name
                key  = "password"
              }
            }
          }

          env {
            name  = "DB_HOST"
            value = digitalocean_database_cluster.main.host
          }

          env {
            name  = "DB_USERNAME"
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

          env {
            name  = "CONTAINER_ROLE"
            value = "worker"
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
      }
    }
  }
}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "app-${var.instance_id}"
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
  resources = flatten([[digitalocean_database_cluster.main.urn], [digitalocean_database_cluster.cache.urn], [digitalocean_kubernetes_cluster.main.urn]])
}
