resource "kubernetes_ingress_v1" "this_create_invoke_arn" {
  metadata {
    name        = "this-create-invoke-arn"
    namespace   = split(".", split("://", var.create_invoke_arn)[1])[1]
    annotations = {
      "nginx.ingress.kubernetes.io/upstream-vhost" = "${split(".", split("://", var.create_invoke_arn)[1])[0]}.${split(".", split("://", var.create_invoke_arn)[1])[1]}.svc.cluster.local"
    }
  }

  spec {
    ingress_class_name = "nginx"

    rule {
      http {
        path {
          path      = "/v1/items"
          path_type = "Exact"

          backend {
            service {
              name = split(".", split("://", var.create_invoke_arn)[1])[0]

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

resource "kubernetes_ingress_v1" "this_get_invoke_arn" {
  metadata {
    name        = "this-get-invoke-arn"
    namespace   = split(".", split("://", var.get_invoke_arn)[1])[1]
    annotations = {
      "nginx.ingress.kubernetes.io/upstream-vhost" = "${split(".", split("://", var.get_invoke_arn)[1])[0]}.${split(".", split("://", var.get_invoke_arn)[1])[1]}.svc.cluster.local"
    }
  }

  spec {
    ingress_class_name = "nginx"

    rule {
      http {
        path {
          path      = "/v1/items"
          path_type = "Prefix"

          backend {
            service {
              name = split(".", split("://", var.get_invoke_arn)[1])[0]

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
