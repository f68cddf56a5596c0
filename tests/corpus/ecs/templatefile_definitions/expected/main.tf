data "digitalocean_kubernetes_versions" "main" {}

resource "digitalocean_container_registry" "appliance" {
  count                  = var.create_registry ? 1 : 0
  name                   = var.registry_name
  subscription_tier_slug = "basic"
}

resource "digitalocean_database_cluster" "orders" {
  name       = "orders-${var.instance_id}"
  engine     = "pg"
  version    = "15"
  size       = "so1_5-2vcpu-16gb"
  region     = var.region
  node_count = 2
  tags       = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "orders_user" {
  cluster_id = digitalocean_database_cluster.orders.id
  name       = "orders"
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

resource "kubernetes_secret_v1" "db" {
  metadata {
    name      = "db"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value    = jsonencode({ username = var.secret_db_username, password = digitalocean_database_cluster.orders.password, host = digitalocean_database_cluster.orders.host })
    username = var.secret_db_username
    password = digitalocean_database_cluster.orders.password
    host     = digitalocean_database_cluster.orders.host
  }
}

resource "kubernetes_secret_v1" "api_key" {
  metadata {
    name      = "api-key"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = var.payment_api_key
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

resource "kubernetes_deployment_v1" "orders" {
  metadata {
    name      = "orders"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "orders"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 2

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "orders"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "orders"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "orders"
          image = "registry.digitalocean.com/${var.registry_name}/orders:${var.image_tag}"

          port {
            container_port = 9000
            protocol       = "TCP"
          }

          env {
            name  = "APP_ENV"
            value = "production"
          }

          env {
            name  = "DB_HOST"
            value = digitalocean_database_cluster.orders.host
          }

          env {
            name = "DB_USERNAME"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.db.metadata[0].name
                key  = "username"
              }
            }
          }

          env {
            name = "DB_PASSWORD"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.db.metadata[0].name
                key  = "password"
              }
            }
          }

          env {
            name = "DB_CREDENTIALS"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.db.metadata[0].name
                key  = "value"
              }
            }
          }

          env {
            name = "PAYMENT_API_KEY"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.api_key.metadata[0].name
                key  = "value"
              }
            }
          }

          resources {
            requests = {
              cpu    = "1"
              memory = "3Gi"
            }
            limits = {
              cpu    = "1"
              memory = "3Gi"
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

resource "kubernetes_service_v1" "orders" {
  metadata {
    name      = "orders"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "orders"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    selector = {
      "app.kubernetes.io/name" = "orders"
    }

    port {
      name        = "tcp-9000"
      port        = 9000
      target_port = "9000"
      protocol    = "TCP"
    }
  }
}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "orders-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.main.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "workloads"
    size       = "s-2vcpu-4gb"
    node_count = 3
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
  resources = flatten([[digitalocean_database_cluster.orders.urn], [digitalocean_kubernetes_cluster.main.urn]])
}
