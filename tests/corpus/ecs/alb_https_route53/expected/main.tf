locals {
  name = "shop-${var.instance_id}"
}

data "digitalocean_kubernetes_versions" "main" {}

resource "digitalocean_vpc" "main" {
  name     = local.name
  region   = var.region
  ip_range = "10.40.0.0/16"
}

resource "digitalocean_container_registry" "appliance" {
  count                  = var.create_registry ? 1 : 0
  name                   = var.registry_name
  subscription_tier_slug = "basic"
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

resource "kubernetes_deployment_v1" "web" {
  metadata {
    name      = "web"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "web"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 3

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "web"
      }
    }

    strategy {
      type = "RollingUpdate"

      rolling_update {
        max_surge       = "100%"
        max_unavailable = "50%"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "web"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "web"
          image = "registry.digitalocean.com/${var.registry_name}/shop/web:${var.image_tag}"

          port {
            container_port = 3000
            protocol       = "TCP"
            name           = "web-3000"
          }

          env {
            name  = "NODE_ENV"
            value = "production"
          }

          env {
            name  = "PUBLIC_URL"
            value = "https://${var.domain}"
          }

          env {
            name  = "PORT"
            value = "3000"
          }

          resources {
            requests = {
              cpu    = "500m"
              memory = "1Gi"
            }
            limits = {
              cpu    = "500m"
              memory = "1Gi"
            }
          }

          readiness_probe {
            initial_delay_seconds = 30
            period_seconds        = 15
            timeout_seconds       = 5
            failure_threshold     = 3
            success_threshold     = 2

            http_get {
              path = "/healthz"
              port = 3000
            }
          }
        }

        image_pull_secrets {
          name = kubernetes_secret_v1.registry.metadata[0].name
        }
      }
    }
  }

  depends_on = [kubernetes_service_v1.web]

  lifecycle {
    ignore_changes = [spec[0].replicas]
  }
}

resource "kubernetes_service_v1" "web" {
  metadata {
    name      = "web"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "web"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
    annotations = {
      "service.beta.kubernetes.io/do-loadbalancer-name"                             = "${local.name}-web"
      "service.beta.kubernetes.io/do-loadbalancer-protocol"                         = "http"
      "service.beta.kubernetes.io/do-loadbalancer-tls-ports"                        = "443"
      "service.beta.kubernetes.io/do-loadbalancer-certificate-name"                 = digitalocean_certificate.site.name
      "service.beta.kubernetes.io/do-loadbalancer-disable-lets-encrypt-dns-records" = "true"
      "service.beta.kubernetes.io/do-loadbalancer-redirect-http-to-https"           = "true"
      "service.beta.kubernetes.io/do-loadbalancer-http-idle-timeout-seconds"        = "120"
      "service.beta.kubernetes.io/do-loadbalancer-size-unit"                        = "1"
    }
  }

  spec {
    type     = "LoadBalancer"
    selector = {
      "app.kubernetes.io/name" = "web"
    }

    port {
      name        = "http"
      port        = 80
      target_port = "3000"
      protocol    = "TCP"
    }

    port {
      name        = "https"
      port        = 443
      target_port = "3000"
      protocol    = "TCP"
    }
  }
}

resource "digitalocean_domain" "main" {
  name = var.domain
}

resource "digitalocean_certificate" "site" {
  name       = "site-${var.instance_id}"
  type       = "lets_encrypt"
  domains    = [var.domain]
  depends_on = [digitalocean_domain.main]
}

resource "digitalocean_record" "apex" {
  domain = digitalocean_domain.main.name
  type   = "A"
  name   = "@"
  value  = kubernetes_service_v1.web.status[0].load_balancer[0].ingress[0].ip
}

resource "digitalocean_kubernetes_cluster" "main" {
  name     = local.name
  region   = var.region
  version  = data.digitalocean_kubernetes_versions.main.latest_version
  vpc_uuid = digitalocean_vpc.main.id
  ha       = true
  tags     = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "workloads"
    size       = "s-2vcpu-4gb"
    node_count = 2
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
  resources = flatten([[digitalocean_domain.main.urn], [digitalocean_kubernetes_cluster.main.urn]])
}
