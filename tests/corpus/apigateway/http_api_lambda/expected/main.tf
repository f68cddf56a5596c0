locals {
  prefix    = "bookings-${var.instance_id}"
  functions = {
    list_bookings  = "list.handler"
    create_booking = "create.handler"
  }
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

resource "kubernetes_manifest" "api" {
  for_each = local.functions
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "${local.prefix}-${replace(each.key, "_", "-")}"
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
          timeoutSeconds       = 29
          containers           = [
            {
              image = "registry.digitalocean.com/${var.registry_name}/fn-api:942ec700d354a58d"
              args  = [each.value]
              env   = [
                {
                  name  = "TABLE_PREFIX"
                  value = tostring(local.prefix)
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

resource "kubernetes_manifest" "health" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "${local.prefix}-health"
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
              image = "registry.digitalocean.com/${var.registry_name}/fn-health:541e539d0acfc937"
              args  = ["health.handler"]
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

resource "kubernetes_ingress_v1" "http_api_list_bookings" {
  metadata {
    name        = "http-api-list-bookings"
    namespace   = kubernetes_namespace_v1.appliance.metadata[0].name
    annotations = {
      "nginx.ingress.kubernetes.io/upstream-vhost"         = "${kubernetes_manifest.api["list_bookings"].manifest.metadata.name}.${kubernetes_namespace_v1.appliance.metadata[0].name}.svc.cluster.local"
      "nginx.ingress.kubernetes.io/limit-rps"              = "50"
      "nginx.ingress.kubernetes.io/limit-burst-multiplier" = "4"
      "nginx.ingress.kubernetes.io/enable-cors"            = "true"
      "nginx.ingress.kubernetes.io/cors-allow-origin"      = "https://bookings.example.com"
      "nginx.ingress.kubernetes.io/cors-allow-methods"     = "GET, POST, OPTIONS"
      "nginx.ingress.kubernetes.io/cors-allow-headers"     = "authorization, content-type"
      "nginx.ingress.kubernetes.io/cors-allow-credentials" = "true"
      "nginx.ingress.kubernetes.io/cors-max-age"           = "3600"
    }
  }

  spec {
    ingress_class_name = "nginx"

    rule {
      http {
        path {
          path      = "/bookings"
          path_type = "Exact"

          backend {
            service {
              name = kubernetes_manifest.api["list_bookings"].manifest.metadata.name

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

resource "kubernetes_ingress_v1" "http_api_create_booking" {
  metadata {
    name        = "http-api-create-booking"
    namespace   = kubernetes_namespace_v1.appliance.metadata[0].name
    annotations = {
      "nginx.ingress.kubernetes.io/upstream-vhost"         = "${kubernetes_manifest.api["create_booking"].manifest.metadata.name}.${kubernetes_namespace_v1.appliance.metadata[0].name}.svc.cluster.local"
      "nginx.ingress.kubernetes.io/limit-rps"              = "50"
      "nginx.ingress.kubernetes.io/limit-burst-multiplier" = "4"
      "nginx.ingress.kubernetes.io/enable-cors"            = "true"
      "nginx.ingress.kubernetes.io/cors-allow-origin"      = "https://bookings.example.com"
      "nginx.ingress.kubernetes.io/cors-allow-methods"     = "GET, POST, OPTIONS"
      "nginx.ingress.kubernetes.io/cors-allow-headers"     = "authorization, content-type"
      "nginx.ingress.kubernetes.io/cors-allow-credentials" = "true"
      "nginx.ingress.kubernetes.io/cors-max-age"           = "3600"
    }
  }

  spec {
    ingress_class_name = "nginx"

    rule {
      http {
        path {
          path      = "/bookings"
          path_type = "Prefix"

          backend {
            service {
              name = kubernetes_manifest.api["create_booking"].manifest.metadata.name

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

resource "kubernetes_ingress_v1" "http_health" {
  metadata {
    name        = "http-health"
    namespace   = kubernetes_namespace_v1.appliance.metadata[0].name
    annotations = {
      "nginx.ingress.kubernetes.io/upstream-vhost"         = "${kubernetes_manifest.health.manifest.metadata.name}.${kubernetes_namespace_v1.appliance.metadata[0].name}.svc.cluster.local"
      "nginx.ingress.kubernetes.io/limit-rps"              = "50"
      "nginx.ingress.kubernetes.io/limit-burst-multiplier" = "4"
      "nginx.ingress.kubernetes.io/enable-cors"            = "true"
      "nginx.ingress.kubernetes.io/cors-allow-origin"      = "https://bookings.example.com"
      "nginx.ingress.kubernetes.io/cors-allow-methods"     = "GET, POST, OPTIONS"
      "nginx.ingress.kubernetes.io/cors-allow-headers"     = "authorization, content-type"
      "nginx.ingress.kubernetes.io/cors-allow-credentials" = "true"
      "nginx.ingress.kubernetes.io/cors-max-age"           = "3600"
    }
  }

  spec {
    ingress_class_name = "nginx"

    rule {
      http {
        path {
          path      = "/health"
          path_type = "Exact"

          backend {
            service {
              name = kubernetes_manifest.health.manifest.metadata.name

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

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
