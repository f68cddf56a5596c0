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

resource "digitalocean_spaces_key" "this_spaces" {
  name = "ipfs-metadata-${var.instance_id}"

  grant {
    bucket     = digitalocean_spaces_bucket.data.name
    permission = "readwrite"
  }
}

resource "kubernetes_secret_v1" "this_spaces" {
  metadata {
    name      = "ipfs-metadata-spaces"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "ipfs-metadata"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    AWS_ACCESS_KEY_ID     = digitalocean_spaces_key.this_spaces.access_key
    AWS_SECRET_ACCESS_KEY = digitalocean_spaces_key.this_spaces.secret_key
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

resource "kubernetes_deployment_v1" "this" {
  metadata {
    name      = "ipfs-metadata"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "ipfs-metadata"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 1

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "ipfs-metadata"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "ipfs-metadata"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "ipfs-metadata"
          image = "registry.digitalocean.com/${var.registry_name}/example/ipfs-metadata:0.3.1"

          port {
            container_port = 8080
            protocol       = "TCP"
          }

          env {
            name  = "BUCKET"
            value = digitalocean_spaces_bucket.data.name
          }

          env {
            name = "AWS_ACCESS_KEY_ID"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.this_spaces.metadata[0].name
                key  = "AWS_ACCESS_KEY_ID"
              }
            }
          }

          env {
            name = "AWS_SECRET_ACCESS_KEY"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.this_spaces.metadata[0].name
                key  = "AWS_SECRET_ACCESS_KEY"
              }
            }
          }

          env {
            name  = "AWS_ENDPOINT_URL_S3"
            value = "https://${digitalocean_spaces_bucket.data.region}.digitaloceanspaces.com"
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

resource "kubernetes_service_v1" "this" {
  metadata {
    name      = "ipfs-metadata"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "ipfs-metadata"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    selector = {
      "app.kubernetes.io/name" = "ipfs-metadata"
    }

    port {
      name        = "tcp-8080"
      port        = 8080
      target_port = "8080"
      protocol    = "TCP"
    }
  }
}

resource "digitalocean_spaces_bucket" "data" {
  name   = "ipfs-metadata-${var.instance_id}"
  region = var.region
}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "ipfs-${var.instance_id}"
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
  resources = flatten([[digitalocean_spaces_bucket.data.urn], [digitalocean_kubernetes_cluster.main.urn]])
}
