data "digitalocean_kubernetes_versions" "main" {}

resource "digitalocean_certificate" "site" {
  name    = "site-${var.instance_id}"
  type    = "lets_encrypt"
  domains = ["social.example.com"]
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
    replicas = 1

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "web"
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
          image = "registry.digitalocean.com/${var.registry_name}/mastodon/mastodon:v4.2.0"
          args  = ["bundle", "exec", "puma", "-C", "config/puma.rb"]

          port {
            container_port = 3000
            protocol       = "TCP"
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
            http_get {
              path = "/"
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
      "service.beta.kubernetes.io/do-loadbalancer-name"                             = "mastodon-web-${var.instance_id}"
      "service.beta.kubernetes.io/do-loadbalancer-protocol"                         = "http"
      "service.beta.kubernetes.io/do-loadbalancer-tls-ports"                        = "443"
      "service.beta.kubernetes.io/do-loadbalancer-certificate-name"                 = digitalocean_certificate.site.name
      "service.beta.kubernetes.io/do-loadbalancer-disable-lets-encrypt-dns-records" = "true"
      "service.beta.kubernetes.io/do-loadbalancer-redirect-http-to-https"           = "true"
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

resource "kubernetes_deployment_v1" "streaming" {
  metadata {
    name      = "streaming"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "streaming"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 1

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "streaming"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "streaming"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "streaming"
          image = "registry.digitalocean.com/${var.registry_name}/mastodon/mastodon-streaming:v4.2.0"

          port {
            container_port = 4000
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
              port = 4000
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

resource "kubernetes_service_v1" "streaming" {
  metadata {
    name      = "streaming"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "streaming"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
    annotations = {
      "service.beta.kubernetes.io/do-loadbalancer-name"                             = "mastodon-streaming-${var.instance_id}"
      "service.beta.kubernetes.io/do-loadbalancer-protocol"                         = "http"
      "service.beta.kubernetes.io/do-loadbalancer-tls-ports"                        = "4000"
      "service.beta.kubernetes.io/do-loadbalancer-certificate-name"                 = digitalocean_certificate.site.name
      "service.beta.kubernetes.io/do-loadbalancer-disable-lets-encrypt-dns-records" = "true"
      "service.beta.kubernetes.io/do-loadbalancer-size-unit"                        = "1"
    }
  }

  spec {
    type     = "LoadBalancer"
    selector = {
      "app.kubernetes.io/name" = "streaming"
    }

    port {
      name        = "https"
      port        = 4000
      target_port = "4000"
      protocol    = "TCP"
    }
  }
}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "mastodon-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.main.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

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
  resources = flatten([[digitalocean_kubernetes_cluster.main.urn]])
}
