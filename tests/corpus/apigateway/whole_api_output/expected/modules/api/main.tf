resource "kubernetes_ingress_v1" "this_resize_invoke_arn" {
  metadata {
    name        = "this-resize-invoke-arn"
    namespace   = split(".", split("://", var.resize_invoke_arn)[1])[1]
    annotations = {
      "nginx.ingress.kubernetes.io/upstream-vhost" = "${split(".", split("://", var.resize_invoke_arn)[1])[0]}.${split(".", split("://", var.resize_invoke_arn)[1])[1]}.svc.cluster.local"
    }
  }

  spec {
    ingress_class_name = "nginx"

    rule {
      http {
        path {
          path      = "/api/upload/img"
          path_type = "Exact"

          backend {
            service {
              name = split(".", split("://", var.resize_invoke_arn)[1])[0]

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

resource "kubernetes_ingress_v1" "this_etl_invoke_arn" {
  metadata {
    name        = "this-etl-invoke-arn"
    namespace   = split(".", split("://", var.etl_invoke_arn)[1])[1]
    annotations = {
      "nginx.ingress.kubernetes.io/upstream-vhost" = "${split(".", split("://", var.etl_invoke_arn)[1])[0]}.${split(".", split("://", var.etl_invoke_arn)[1])[1]}.svc.cluster.local"
    }
  }

  spec {
    ingress_class_name = "nginx"

    rule {
      http {
        path {
          path      = "/api/sheet"
          path_type = "Exact"

          backend {
            service {
              name = split(".", split("://", var.etl_invoke_arn)[1])[0]

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
