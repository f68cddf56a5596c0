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

resource "kubernetes_manifest" "resize" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "resize-${var.instance_id}"
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
              image = "registry.digitalocean.com/${var.registry_name}/resize@${var.resize_digest}"
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

resource "digitalocean_container_registry_docker_credentials" "appliance" {
  registry_name = var.registry_name
  depends_on    = [digitalocean_container_registry.appliance]
}

resource "kubernetes_secret_v1" "registry" {
  metadata {
    name      = "registry-credentials"
    namespace = "default"
  }

  type = "kubernetes.io/dockerconfigjson"
  data = {
    ".dockerconfigjson" = digitalocean_container_registry_docker_credentials.appliance.docker_credentials
  }
}

resource "kubernetes_deployment_v1" "web" {
  metadata {
    name = "web"
  }

  spec {
    replicas = 2

    selector {
      match_labels = {
        app = "web"
      }
    }

    template {
      metadata {
        labels = {
          app = "web"
        }
      }

      spec {
        container {
          name  = "web"
          image = "registry.digitalocean.com/${var.registry_name}/nginx:1.27.3@sha256:bc5eac5eafc581aeda3008b4b1f07ebba230de2f27d47767129a6a905c84f470"
        }

        image_pull_secrets {
          name = kubernetes_secret_v1.registry.metadata[0].name
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
