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

resource "kubernetes_manifest" "queue" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "queue-${var.instance_id}"
      namespace = kubernetes_namespace_v1.appliance.metadata[0].name
      labels    = {
        "app.kubernetes.io/managed-by"      = "ferry"
        "networking.knative.dev/visibility" = "cluster-local"
      }
    }
    spec = {
      template = {
        spec = {
          containerConcurrency = 1
          timeoutSeconds       = 3
          containers           = [
            {
              image = "ghcr.io/example/queue:1.0.0"
              env   = [
                {
                  name      = "CACHE_AUTH"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.cache_valkey_password.metadata[0].name
                      key  = "password"
                    }
                  }
                },
              ]
              ports = [
                {
                  containerPort = 8080
                },
              ]
              resources = {
                requests = {
                  cpu    = "72m"
                  memory = "128Mi"
                }
                limits = {
                  memory = "128Mi"
                }
              }
            },
          ]
        }
      }
    }
  }

  wait {
    condition {
      type   = "Ready"
      status = "True"
    }
  }
}

resource "digitalocean_database_cluster" "cache" {
  name            = "mastodon-${var.instance_id}"
  engine          = "valkey"
  version         = "8"
  size            = "db-s-1vcpu-1gb"
  region          = var.region
  node_count      = 1
  eviction_policy = "volatile_lru"
  tags            = ["instance-id:${var.instance_id}"]
}

resource "kubernetes_secret_v1" "web_env" {
  metadata {
    name      = "web-env"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "web"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    smtp_password = var.smtp_password
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

resource "kubernetes_deployment_v1" "web" {
  metadata {
    name      = "web"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "web"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 1

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "web"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "web"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "web"
          image = "registry.digitalocean.com/${var.registry_name}/mastodon/mastodon:v4.2.0"

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
            name = "SMTP_PASSWORD"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.web_env.metadata[0].name
                key  = "smtp_password"
              }
            }
          }

          env {
            name = "FERRY_CACHE_CACHE_PASSWORD"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.cache_valkey_password.metadata[0].name
                key  = "password"
              }
            }
          }

          env {
            name  = "REDIS_URL"
            value = "rediss://:$(FERRY_CACHE_CACHE_PASSWORD)@${digitalocean_database_cluster.cache.host}:${digitalocean_database_cluster.cache.port}"
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
  name    = "mastodon-${var.instance_id}"
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
  resources = flatten([[digitalocean_database_cluster.cache.urn], [digitalocean_kubernetes_cluster.main.urn]])
}
