resource "kubernetes_namespace_v1" "appliance" {
  metadata {
    name   = "appliance-${var.instance_id}-mqtt"
    labels = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }
}

resource "digitalocean_container_registry_docker_credentials" "appliance" {
  registry_name = var.registry_name
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

resource "kubernetes_deployment_v1" "mqtt" {
  metadata {
    name      = "mqtt"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "mqtt"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 1

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "mqtt"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "mqtt"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "mqtt"
          image = "registry.digitalocean.com/${var.registry_name}/eclipse-mosquitto:latest"

          port {
            container_port = 1883
            protocol       = "TCP"
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

          readiness_probe {
            http_get {
              path = "/"
              port = 1883
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

resource "kubernetes_service_v1" "mqtt" {
  metadata {
    name      = "mqtt"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "mqtt"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
    annotations = {
      "service.beta.kubernetes.io/do-loadbalancer-name"      = "road-vision-alb-mqtt-${var.instance_id}"
      "service.beta.kubernetes.io/do-loadbalancer-protocol"  = "http"
      "service.beta.kubernetes.io/do-loadbalancer-size-unit" = "1"
    }
  }

  spec {
    type     = "LoadBalancer"
    selector = {
      "app.kubernetes.io/name" = "mqtt"
    }

    port {
      name        = "http"
      port        = 1883
      target_port = "1883"
      protocol    = "TCP"
    }
  }
}
