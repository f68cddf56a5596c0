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

resource "kubernetes_manifest" "presign" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "presign-${var.instance_id}"
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
              image = "registry.digitalocean.com/${var.registry_name}/fn-presign:cd739f0a94759035"
              args  = ["handler.lambda_handler"]
              env   = [
                {
                  name  = "FERRY_HTTP_EVENT_FORMAT"
                  value = "1.0"
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

resource "kubernetes_manifest" "get_certificate" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "get-certificate-${var.instance_id}"
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
              image = "registry.digitalocean.com/${var.registry_name}/fn-get-certificate:2301e86f26cc1aa5"
              args  = ["handler.lambda_handler"]
              env   = [
                {
                  name  = "CERTIFICATE_TABLE"
                  value = "certificates"
                },
                {
                  name  = "FERRY_HTTP_EVENT_FORMAT"
                  value = "1.0"
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

resource "kubernetes_ingress_v1" "certs_presign" {
  metadata {
    name        = "certs-presign"
    namespace   = kubernetes_namespace_v1.appliance.metadata[0].name
    annotations = {
      "nginx.ingress.kubernetes.io/upstream-vhost"     = "${kubernetes_manifest.presign.manifest.metadata.name}.${kubernetes_namespace_v1.appliance.metadata[0].name}.svc.cluster.local"
      "nginx.ingress.kubernetes.io/enable-cors"        = "true"
      "nginx.ingress.kubernetes.io/cors-allow-origin"  = "*"
      "nginx.ingress.kubernetes.io/cors-allow-methods" = "POST, OPTIONS"
      "nginx.ingress.kubernetes.io/cors-allow-headers" = "Content-Type,Authorization"
    }
  }

  spec {
    ingress_class_name = "nginx"

    rule {
      http {
        path {
          path      = "/dev/certificates"
          path_type = "Exact"

          backend {
            service {
              name = kubernetes_manifest.presign.manifest.metadata.name

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

resource "kubernetes_ingress_v1" "certs_get_certificate" {
  metadata {
    name        = "certs-get-certificate"
    namespace   = kubernetes_namespace_v1.appliance.metadata[0].name
    annotations = {
      "nginx.ingress.kubernetes.io/upstream-vhost"     = "${kubernetes_manifest.get_certificate.manifest.metadata.name}.${kubernetes_namespace_v1.appliance.metadata[0].name}.svc.cluster.local"
      "nginx.ingress.kubernetes.io/enable-cors"        = "true"
      "nginx.ingress.kubernetes.io/cors-allow-origin"  = "*"
      "nginx.ingress.kubernetes.io/cors-allow-methods" = "POST, OPTIONS"
      "nginx.ingress.kubernetes.io/cors-allow-headers" = "Content-Type,Authorization"
    }
  }

  spec {
    ingress_class_name = "nginx"

    rule {
      http {
        path {
          path      = "/dev/certificates"
          path_type = "Prefix"

          backend {
            service {
              name = kubernetes_manifest.get_certificate.manifest.metadata.name

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
