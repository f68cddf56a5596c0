data "digitalocean_kubernetes_versions" "main" {}

resource "digitalocean_spaces_bucket" "uploads" {
  name   = "media-uploads-${var.instance_id}"
  region = var.region
}

resource "digitalocean_spaces_bucket" "thumbnails" {
  count  = 1
  name   = "media-thumbnails-${var.instance_id}"
  region = var.region
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

resource "kubernetes_secret_v1" "media_secret_env" {
  metadata {
    name      = "media-secret-env"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "media"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    AWS_SECRET_ACCESS_KEY = var.backup_secret
  }
}

resource "digitalocean_spaces_key" "media_spaces" {
  name = "media-${var.instance_id}"

  grant {
    bucket     = digitalocean_spaces_bucket.uploads.name
    permission = "readwrite"
  }

  grant {
    bucket     = digitalocean_spaces_bucket.thumbnails[0].name
    permission = "readwrite"
  }
}

resource "kubernetes_secret_v1" "media_spaces" {
  metadata {
    name      = "media-spaces"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "media"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    AWS_ACCESS_KEY_ID     = digitalocean_spaces_key.media_spaces.access_key
    AWS_SECRET_ACCESS_KEY = digitalocean_spaces_key.media_spaces.secret_key
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

resource "kubernetes_deployment_v1" "media" {
  metadata {
    name      = "media"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "media"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 2

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "media"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "media"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "api"
          image = "registry.digitalocean.com/${var.registry_name}/example/media-api:2.1.0"

          env {
            name  = "UPLOADS_BUCKET"
            value = digitalocean_spaces_bucket.uploads.name
          }

          env {
            name  = "THUMBNAILS_URL"
            value = "s3://${digitalocean_spaces_bucket.thumbnails[0].name}/"
          }

          env {
            name = "AWS_ACCESS_KEY_ID"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.media_spaces.metadata[0].name
                key  = "AWS_ACCESS_KEY_ID"
              }
            }
          }

          env {
            name = "AWS_SECRET_ACCESS_KEY"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.media_spaces.metadata[0].name
                key  = "AWS_SECRET_ACCESS_KEY"
              }
            }
          }

          env {
            name  = "AWS_ENDPOINT_URL_S3"
            value = "https://${digitalocean_spaces_bucket.uploads.region}.digitaloceanspaces.com"
          }

          resources {
            requests = {
              cpu    = "250m"
              memory = "512Mi"
            }
            limits = {
              cpu    = "500m"
              memory = "1Gi"
            }
          }
        }

        container {
          name  = "backup"
          image = "registry.digitalocean.com/${var.registry_name}/example/backup:1.0.0"

          env {
            name  = "TARGET"
            value = digitalocean_spaces_bucket.uploads.urn
          }

          env {
            name  = "AWS_ACCESS_KEY_ID"
            value = var.backup_key_id
          }

          env {
            name = "AWS_SECRET_ACCESS_KEY"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.media_secret_env.metadata[0].name
                key  = "AWS_SECRET_ACCESS_KEY"
              }
            }
          }

          resources {
            requests = {
              cpu    = "250m"
              memory = "512Mi"
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
  name    = "media-${var.instance_id}"
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
  resources = flatten([[digitalocean_spaces_bucket.uploads.urn], digitalocean_spaces_bucket.thumbnails[*].urn, [digitalocean_kubernetes_cluster.main.urn]])
}
