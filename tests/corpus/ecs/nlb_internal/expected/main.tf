data "digitalocean_kubernetes_versions" "mq" {}

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

resource "kubernetes_deployment_v1" "broker" {
  metadata {
    name      = "broker"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "broker"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 3

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "broker"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "broker"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "broker"
          image = "registry.digitalocean.com/${var.registry_name}/emqx/emqx:5.7.1"

          port {
            container_port = 1883
            protocol       = "TCP"
          }

          port {
            container_port = 18083
            protocol       = "TCP"
            name           = "dashboard"
          }

          resources {
            requests = {
              cpu    = "1"
              memory = "2Gi"
            }
            limits = {
              cpu    = "1"
              memory = "2Gi"
            }
          }

          readiness_probe {
            period_seconds = 10

            tcp_socket {
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

resource "kubernetes_service_v1" "broker" {
  metadata {
    name      = "broker"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "broker"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
    annotations = {
      "service.beta.kubernetes.io/do-loadbalancer-name"                  = "mqtt-${var.instance_id}"
      "service.beta.kubernetes.io/do-loadbalancer-type"                  = "REGIONAL_NETWORK"
      "service.beta.kubernetes.io/do-loadbalancer-network"               = "INTERNAL"
      "service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol" = "true"
    }
  }

  spec {
    type     = "LoadBalancer"
    selector = {
      "app.kubernetes.io/name" = "broker"
    }

    port {
      name        = "tcp"
      port        = 1883
      target_port = "1883"
      protocol    = "TCP"
    }
  }
}

resource "digitalocean_kubernetes_cluster" "mq" {
  name    = "mq-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.mq.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "workloads"
    size       = "s-2vcpu-4gb"
    node_count = 3
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
  resources = flatten([[digitalocean_kubernetes_cluster.mq.urn]])
}
