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
          name  = "api"
          image = replace(var.api_image, "123456789012.dkr.ecr.eu-west-2.amazonaws.com/", "registry.digitalocean.com/${var.registry_name}/")

          resources {
            requests = {
              cpu    = "333m"
              memory = "683Mi"
            }
            limits = {
              cpu    = "1"
              memory = "2Gi"
            }
          }
        }

        container {
          name  = "jobs"
          image = "registry.digitalocean.com/${var.registry_name}/massive/jobs:${var.tag}"

          resources {
            requests = {
              cpu    = "333m"
              memory = "683Mi"
            }
            limits = {
              cpu    = "1"
              memory = "2Gi"
            }
          }
        }

        container {
          name  = "ui"
          image = var.ssm_massive_ui_image

          resources {
            requests = {
              cpu    = "333m"
              memory = "683Mi"
            }
            limits = {
              cpu    = "1"
              memory = "2Gi"
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

resource "kubernetes_secret_v1" "ui_image" {
  metadata {
    name      = "massive-ui-image"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = var.ssm_massive_ui_image
  }
}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "massive-${var.instance_id}"
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
  resources = flatten([[digitalocean_kubernetes_cluster.main.urn]])
}
