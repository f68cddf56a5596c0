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

resource "digitalocean_spaces_key" "thumbnail_spaces" {
  name = "thumbnail-${var.instance_id}"

  grant {
    bucket     = digitalocean_spaces_bucket.uploads.name
    permission = "readwrite"
  }
}

resource "kubernetes_secret_v1" "thumbnail_spaces" {
  metadata {
    name      = "thumbnail-spaces"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "thumbnail"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    AWS_ACCESS_KEY_ID     = digitalocean_spaces_key.thumbnail_spaces.access_key
    AWS_SECRET_ACCESS_KEY = digitalocean_spaces_key.thumbnail_spaces.secret_key
  }
}

resource "kubernetes_manifest" "thumbnail" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "thumbnail-${var.instance_id}"
      namespace = kubernetes_namespace_v1.appliance.metadata[0].name
      labels    = {
        "app.kubernetes.io/managed-by" = "ferry"
      }
      annotations = {
        "ferry.dev/description" = "Resizes uploaded photos"
      }
    }
    spec = {
      template = {
        metadata = {
          annotations = {
            "autoscaling.knative.dev/max-scale" = "20"
            "autoscaling.knative.dev/min-scale" = "2"
          }
        }
        spec = {
          containerConcurrency = 1
          timeoutSeconds       = 60
          containers           = [
            {
              image = "registry.digitalocean.com/${var.registry_name}/fn-thumbnail:55dd98824f58ba0f"
              args  = ["app.handler"]
              env   = [
                {
                  name  = "UPLOAD_BUCKET"
                  value = tostring(digitalocean_spaces_bucket.uploads.name)
                },
                {
                  name  = "THUMBNAIL_WIDTH"
                  value = tostring(var.thumbnail_width)
                },
                {
                  name  = "LOG_LEVEL"
                  value = "info"
                },
                {
                  name  = "DEBUG"
                  value = "false"
                },
                {
                  name      = "AWS_ACCESS_KEY_ID"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.thumbnail_spaces.metadata[0].name
                      key  = "AWS_ACCESS_KEY_ID"
                    }
                  }
                },
                {
                  name      = "AWS_SECRET_ACCESS_KEY"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.thumbnail_spaces.metadata[0].name
                      key  = "AWS_SECRET_ACCESS_KEY"
                    }
                  }
                },
                {
                  name  = "AWS_ENDPOINT_URL_S3"
                  value = "https://${digitalocean_spaces_bucket.uploads.region}.digitaloceanspaces.com"
                },
              ]
              ports = [
                {
                  containerPort = 8080
                },
              ]
              resources = {
                requests = {
                  cpu               = "579m"
                  memory            = "1024Mi"
                  ephemeral-storage = "2048Mi"
                }
                limits = {
                  memory            = "1024Mi"
                  ephemeral-storage = "2048Mi"
                }
              }
            },
          ]
        }
      }
      traffic = [
        {
          latestRevision = true
          percent        = 100
        },
        {
          tag            = "live"
          latestRevision = true
        },
      ]
    }
  }

  wait {
    condition {
      type   = "Ready"
      status = "True"
    }
  }
}

resource "digitalocean_spaces_bucket" "uploads" {
  name   = "photos-uploads-${var.instance_id}"
  region = var.region
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.uploads.urn]])
}
