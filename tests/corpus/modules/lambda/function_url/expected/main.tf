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

resource "digitalocean_spaces_key" "api_spaces" {
  name = "api-${var.instance_id}"

  grant {
    bucket     = digitalocean_spaces_bucket.data.name
    permission = "readwrite"
  }
}

resource "kubernetes_secret_v1" "api_spaces" {
  metadata {
    name      = "api-spaces"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "api"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    AWS_ACCESS_KEY_ID     = digitalocean_spaces_key.api_spaces.access_key
    AWS_SECRET_ACCESS_KEY = digitalocean_spaces_key.api_spaces.secret_key
  }
}

resource "kubernetes_manifest" "api" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "api-${var.instance_id}"
      namespace = kubernetes_namespace_v1.appliance.metadata[0].name
      labels    = {
        "app.kubernetes.io/managed-by" = "ferry"
      }
    }
    spec = {
      template = {
        spec = {
          containerConcurrency = 1
          timeoutSeconds       = 10
          containers           = [
            {
              image = "registry.digitalocean.com/${var.registry_name}/fn-api:b0b7f6732393a9b9"
              args  = ["index.handler"]
              env   = [
                {
                  name  = "BUCKET"
                  value = tostring(digitalocean_spaces_bucket.data.name)
                },
                {
                  name      = "AWS_ACCESS_KEY_ID"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.api_spaces.metadata[0].name
                      key  = "AWS_ACCESS_KEY_ID"
                    }
                  }
                },
                {
                  name      = "AWS_SECRET_ACCESS_KEY"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.api_spaces.metadata[0].name
                      key  = "AWS_SECRET_ACCESS_KEY"
                    }
                  }
                },
                {
                  name  = "AWS_ENDPOINT_URL_S3"
                  value = "https://${digitalocean_spaces_bucket.data.region}.digitaloceanspaces.com"
                },
              ]
              ports = [
                {
                  containerPort = 8080
                },
              ]
              resources = {
                requests = {
                  cpu    = "289m"
                  memory = "512Mi"
                }
                limits = {
                  memory = "512Mi"
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

resource "digitalocean_spaces_bucket" "data" {
  name   = "api-data-${var.instance_id}"
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
  resources = flatten([[digitalocean_spaces_bucket.data.urn]])
}
