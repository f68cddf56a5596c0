locals {
  name = "shortlinks-${var.instance_id}"
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

resource "digitalocean_spaces_key" "links_spaces" {
  name = "links-${var.instance_id}"

  grant {
    bucket     = digitalocean_spaces_bucket.links.name
    permission = "readwrite"
  }
}

resource "kubernetes_secret_v1" "links_spaces" {
  metadata {
    name      = "links-spaces"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "links"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    AWS_ACCESS_KEY_ID     = digitalocean_spaces_key.links_spaces.access_key
    AWS_SECRET_ACCESS_KEY = digitalocean_spaces_key.links_spaces.secret_key
  }
}

resource "kubernetes_manifest" "links" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "${local.name}-links"
      namespace = kubernetes_namespace_v1.appliance.metadata[0].name
      labels    = {
        "app.kubernetes.io/managed-by"      = "ferry"
        "networking.knative.dev/visibility" = "cluster-local"
      }
      annotations = {
        "ferry.dev/description" = "Create, read and delete short links"
      }
    }
    spec = {
      template = {
        spec = {
          containerConcurrency = 1
          timeoutSeconds       = 10
          containers           = [
            {
              image = "registry.digitalocean.com/${var.registry_name}/fn-links:6b2f371c221c969a"
              args  = ["app.handler"]
              env   = [
                {
                  name  = "LINKS_BUCKET"
                  value = tostring(digitalocean_spaces_bucket.links.name)
                },
                {
                  name  = "SIGNING_KEY_SECRET"
                  value = tostring(kubernetes_secret_v1.signing_key.metadata[0].name)
                },
                {
                  name  = "LINK_TTL_DAYS"
                  value = tostring(var.link_ttl_days)
                },
                {
                  name  = "LOG_LEVEL"
                  value = "INFO"
                },
                {
                  name      = "AWS_ACCESS_KEY_ID"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.links_spaces.metadata[0].name
                      key  = "AWS_ACCESS_KEY_ID"
                    }
                  }
                },
                {
                  name      = "AWS_SECRET_ACCESS_KEY"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.links_spaces.metadata[0].name
                      key  = "AWS_SECRET_ACCESS_KEY"
                    }
                  }
                },
                {
                  name  = "AWS_ENDPOINT_URL_S3"
                  value = "https://${digitalocean_spaces_bucket.links.region}.digitaloceanspaces.com"
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

resource "digitalocean_spaces_key" "redirect_spaces" {
  name = "redirect-${var.instance_id}"

  grant {
    bucket     = digitalocean_spaces_bucket.links.name
    permission = "readwrite"
  }
}

resource "kubernetes_secret_v1" "redirect_spaces" {
  metadata {
    name      = "redirect-spaces"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "redirect"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    AWS_ACCESS_KEY_ID     = digitalocean_spaces_key.redirect_spaces.access_key
    AWS_SECRET_ACCESS_KEY = digitalocean_spaces_key.redirect_spaces.secret_key
  }
}

resource "kubernetes_manifest" "redirect" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "${local.name}-redirect"
      namespace = kubernetes_namespace_v1.appliance.metadata[0].name
      labels    = {
        "app.kubernetes.io/managed-by"      = "ferry"
        "networking.knative.dev/visibility" = "cluster-local"
      }
      annotations = {
        "ferry.dev/description" = "Resolve a short code and redirect"
      }
    }
    spec = {
      template = {
        metadata = {
          annotations = {
            "autoscaling.knative.dev/max-scale" = "100"
          }
        }
        spec = {
          containerConcurrency = 1
          timeoutSeconds       = 5
          containers           = [
            {
              image = "registry.digitalocean.com/${var.registry_name}/fn-redirect:0edcd214fb305050"
              args  = ["index.handler"]
              env   = [
                {
                  name  = "LINKS_BUCKET"
                  value = tostring(digitalocean_spaces_bucket.links.name)
                },
                {
                  name      = "AWS_ACCESS_KEY_ID"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.redirect_spaces.metadata[0].name
                      key  = "AWS_ACCESS_KEY_ID"
                    }
                  }
                },
                {
                  name      = "AWS_SECRET_ACCESS_KEY"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.redirect_spaces.metadata[0].name
                      key  = "AWS_SECRET_ACCESS_KEY"
                    }
                  }
                },
                {
                  name  = "AWS_ENDPOINT_URL_S3"
                  value = "https://${digitalocean_spaces_bucket.links.region}.digitaloceanspaces.com"
                },
              ]
              ports = [
                {
                  containerPort = 8080
                },
              ]
              resources = {
                requests = {
                  cpu    = "145m"
                  memory = "256Mi"
                }
                limits = {
                  memory = "256Mi"
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

resource "digitalocean_spaces_key" "cleanup_spaces" {
  name = "cleanup-${var.instance_id}"

  grant {
    bucket     = digitalocean_spaces_bucket.links.name
    permission = "readwrite"
  }
}

resource "kubernetes_secret_v1" "cleanup_spaces" {
  metadata {
    name      = "cleanup-spaces"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "cleanup"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    AWS_ACCESS_KEY_ID     = digitalocean_spaces_key.cleanup_spaces.access_key
    AWS_SECRET_ACCESS_KEY = digitalocean_spaces_key.cleanup_spaces.secret_key
  }
}

resource "kubernetes_manifest" "cleanup" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "${local.name}-cleanup"
      namespace = kubernetes_namespace_v1.appliance.metadata[0].name
      labels    = {
        "app.kubernetes.io/managed-by"      = "ferry"
        "networking.knative.dev/visibility" = "cluster-local"
      }
      annotations = {
        "ferry.dev/description" = "Delete expired links"
      }
    }
    spec = {
      template = {
        spec = {
          containerConcurrency = 1
          timeoutSeconds       = 300
          containers           = [
            {
              image = "registry.digitalocean.com/${var.registry_name}/fn-cleanup:6b2a95314c63f990"
              args  = ["cleanup.run"]
              env   = [
                {
                  name  = "LINKS_BUCKET"
                  value = tostring(digitalocean_spaces_bucket.links.name)
                },
                {
                  name  = "LINK_TTL_DAYS"
                  value = tostring(var.link_ttl_days)
                },
                {
                  name      = "AWS_ACCESS_KEY_ID"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.cleanup_spaces.metadata[0].name
                      key  = "AWS_ACCESS_KEY_ID"
                    }
                  }
                },
                {
                  name      = "AWS_SECRET_ACCESS_KEY"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.cleanup_spaces.metadata[0].name
                      key  = "AWS_SECRET_ACCESS_KEY"
                    }
                  }
                },
                {
                  name  = "AWS_ENDPOINT_URL_S3"
                  value = "https://${digitalocean_spaces_bucket.links.region}.digitaloceanspaces.com"
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

resource "kubernetes_ingress_v1" "http_links" {
  metadata {
    name        = "http-links"
    namespace   = kubernetes_namespace_v1.appliance.metadata[0].name
    annotations = {
      "nginx.ingress.kubernetes.io/upstream-vhost"         = "${kubernetes_manifest.links.manifest.metadata.name}.${kubernetes_namespace_v1.appliance.metadata[0].name}.svc.cluster.local"
      "nginx.ingress.kubernetes.io/limit-rps"              = "200"
      "nginx.ingress.kubernetes.io/limit-burst-multiplier" = "2"
      "nginx.ingress.kubernetes.io/enable-cors"            = "true"
      "nginx.ingress.kubernetes.io/cors-allow-origin"      = join(", ", var.allowed_origins)
      "nginx.ingress.kubernetes.io/cors-allow-methods"     = "GET, POST, DELETE, OPTIONS"
      "nginx.ingress.kubernetes.io/cors-allow-headers"     = "authorization, content-type"
      "nginx.ingress.kubernetes.io/cors-max-age"           = "600"
    }
  }

  spec {
    ingress_class_name = "nginx"

    rule {
      http {
        path {
          path      = "/links"
          path_type = "Prefix"

          backend {
            service {
              name = kubernetes_manifest.links.manifest.metadata.name

              port {
                number = 80
              }
            }
          }
        }
      }
    }
  }

  wait_for_load_balancer = true
}

resource "kubernetes_ingress_v1" "http_redirect" {
  metadata {
    name        = "http-redirect"
    namespace   = kubernetes_namespace_v1.appliance.metadata[0].name
    annotations = {
      "nginx.ingress.kubernetes.io/upstream-vhost"         = "${kubernetes_manifest.redirect.manifest.metadata.name}.${kubernetes_namespace_v1.appliance.metadata[0].name}.svc.cluster.local"
      "nginx.ingress.kubernetes.io/limit-rps"              = "200"
      "nginx.ingress.kubernetes.io/limit-burst-multiplier" = "2"
      "nginx.ingress.kubernetes.io/enable-cors"            = "true"
      "nginx.ingress.kubernetes.io/cors-allow-origin"      = join(", ", var.allowed_origins)
      "nginx.ingress.kubernetes.io/cors-allow-methods"     = "GET, POST, DELETE, OPTIONS"
      "nginx.ingress.kubernetes.io/cors-allow-headers"     = "authorization, content-type"
      "nginx.ingress.kubernetes.io/cors-max-age"           = "600"
    }
  }

  spec {
    ingress_class_name = "nginx"

    rule {
      http {
        path {
          path      = "/r"
          path_type = "Prefix"

          backend {
            service {
              name = kubernetes_manifest.redirect.manifest.metadata.name

              port {
                number = 80
              }
            }
          }
        }
      }
    }
  }

  wait_for_load_balancer = true
}

resource "digitalocean_spaces_bucket" "links" {
  name   = "${local.name}-links"
  region = var.region
  acl    = "private"

  versioning {
    enabled = true
  }

  lifecycle_rule {
    id      = "expire-old-versions"
    enabled = true

    noncurrent_version_expiration {
      days = 30
    }
  }
}

resource "kubernetes_secret_v1" "signing_key" {
  metadata {
    name      = "signing-key"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = var.secret_signing_key
  }
}

resource "kubernetes_cron_job_v1" "cleanup" {
  metadata {
    name      = "cleanup"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
    }
  }

  spec {
    schedule           = "15 3 * * *"
    timezone           = "Etc/UTC"
    concurrency_policy = "Allow"

    job_template {
      metadata {}

      spec {
        backoff_limit = 2

        template {
          metadata {}

          spec {
            restart_policy = "Never"

            container {
              name    = "invoke"
              image   = "curlimages/curl:8.11.1"
              command = ["sh", "-c"]
              args    = [
                "curl -fsS --max-time 310 -X POST -H 'Content-Type: application/json' --data \"$EVENT\" \"$FUNCTION_URL\"",
              ]

              env {
                name  = "FUNCTION_URL"
                value = "http://${kubernetes_manifest.cleanup.manifest.metadata.name}.${kubernetes_namespace_v1.appliance.metadata[0].name}.svc.cluster.local/2015-03-31/functions/function/invocations"
              }

              env {
                name  = "EVENT"
                value = jsonencode({ dry_run = false })
              }
            }
          }
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

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_spaces_bucket.links.urn]])
}
