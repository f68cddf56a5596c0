locals {
  name = "northwind-${var.instance_id}"
}

data "digitalocean_kubernetes_versions" "main" {}

resource "digitalocean_vpc" "main" {
  name     = local.name
  region   = var.region
  ip_range = "10.60.0.0/16"
}

resource "digitalocean_database_cluster" "main" {
  name                 = local.name
  engine               = "pg"
  version              = "16"
  size                 = "db-s-2vcpu-4gb"
  region               = var.region
  node_count           = 2
  storage_size_mib     = "51200"
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]

  storage_autoscale {
    enabled = true
  }
}

resource "digitalocean_database_db" "main_db" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "orders"
}

resource "digitalocean_database_user" "main_user" {
  cluster_id = digitalocean_database_cluster.main.id
  name       = "orders_app"
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

resource "kubernetes_deployment_v1" "api" {
  metadata {
    name      = "api"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "api"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = var.api_desired_count

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "api"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "api"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "api"
          image = "registry.digitalocean.com/${var.registry_name}/northwind/api:${var.app_version}"

          port {
            container_port = 8080
            protocol       = "TCP"
            name           = "http"
          }

          env {
            name  = "RAILS_ENV"
            value = "production"
          }

          env {
            name  = "PUBLIC_URL"
            value = "https://${var.domain_name}"
          }

          env {
            name  = "RAILS_LOG_TO_STDOUT"
            value = "1"
          }

          env {
            name = "DATABASE_USERNAME"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.db.metadata[0].name
                key  = "username"
              }
            }
          }

          env {
            name = "DATABASE_PASSWORD"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.db.metadata[0].name
                key  = "password"
              }
            }
          }

          env {
            name = "DATABASE_HOST"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.db.metadata[0].name
                key  = "host"
              }
            }
          }

          env {
            name = "SECRET_KEY_BASE"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.session.metadata[0].name
                key  = "value"
              }
            }
          }

          env {
            name = "SMTP_PASSWORD"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.smtp_password.metadata[0].name
                key  = "value"
              }
            }
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

          liveness_probe {
            initial_delay_seconds = 30
            period_seconds        = 15
            timeout_seconds       = 5
            failure_threshold     = 3

            exec {
              command = ["/bin/sh", "-c", "curl -fsS http://localhost:8080/up || exit 1"]
            }
          }

          readiness_probe {
            initial_delay_seconds = 60
            period_seconds        = 15
            failure_threshold     = 3
            success_threshold     = 2

            http_get {
              path = "/up"
              port = 8080
            }
          }
        }

        image_pull_secrets {
          name = kubernetes_secret_v1.registry.metadata[0].name
        }
      }
    }
  }

  depends_on = [kubernetes_service_v1.api]
}

resource "kubernetes_service_v1" "api" {
  metadata {
    name      = "api"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "api"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
    annotations = {
      "service.beta.kubernetes.io/do-loadbalancer-name"                             = "${local.name}-alb"
      "service.beta.kubernetes.io/do-loadbalancer-protocol"                         = "http"
      "service.beta.kubernetes.io/do-loadbalancer-tls-ports"                        = "443"
      "service.beta.kubernetes.io/do-loadbalancer-certificate-name"                 = digitalocean_certificate.main.name
      "service.beta.kubernetes.io/do-loadbalancer-disable-lets-encrypt-dns-records" = "true"
      "service.beta.kubernetes.io/do-loadbalancer-redirect-http-to-https"           = "true"
      "service.beta.kubernetes.io/do-loadbalancer-http-idle-timeout-seconds"        = "60"
      "service.beta.kubernetes.io/do-loadbalancer-size-unit"                        = "1"
    }
  }

  spec {
    type     = "LoadBalancer"
    selector = {
      "app.kubernetes.io/name" = "api"
    }

    port {
      name        = "http"
      port        = 80
      target_port = "8080"
      protocol    = "TCP"
    }

    port {
      name        = "https"
      port        = 443
      target_port = "8080"
      protocol    = "TCP"
    }
  }
}

resource "kubernetes_deployment_v1" "worker" {
  metadata {
    name      = "worker"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "worker"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = 1

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "worker"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "worker"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "worker"
          image = "registry.digitalocean.com/${var.registry_name}/northwind/worker:${var.app_version}"
          args  = ["bundle", "exec", "sidekiq"]

          env {
            name  = "RAILS_ENV"
            value = "production"
          }

          env {
            name  = "DB_HOST"
            value = digitalocean_database_cluster.main.private_host
          }

          env {
            name = "DB_PASSWORD"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.db.metadata[0].name
                key  = "password"
              }
            }
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
        }

        image_pull_secrets {
          name = kubernetes_secret_v1.registry.metadata[0].name
        }
      }
    }
  }

  lifecycle {
    ignore_changes = [spec[0].replicas]
  }
}

resource "digitalocean_domain" "main" {
  name = var.domain_name
}

resource "digitalocean_certificate" "main" {
  name       = "main-${var.instance_id}"
  type       = "lets_encrypt"
  domains    = [var.domain_name]
  depends_on = [digitalocean_domain.main]

  lifecycle {
    create_before_destroy = true
  }
}

resource "digitalocean_record" "app" {
  domain = digitalocean_domain.main.name
  type   = "A"
  name   = "@"
  value  = kubernetes_service_v1.api.status[0].load_balancer[0].ingress[0].ip
}

resource "kubernetes_secret_v1" "db" {
  metadata {
    name      = "db"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value    = jsonencode({ username = digitalocean_database_cluster.main.user, password = digitalocean_database_cluster.main.password, host = digitalocean_database_cluster.main.private_host, port = digitalocean_database_cluster.main.port, dbname = digitalocean_database_db.main_db.name })
    username = digitalocean_database_cluster.main.user
    password = digitalocean_database_cluster.main.password
    host     = digitalocean_database_cluster.main.private_host
    port     = digitalocean_database_cluster.main.port
    dbname   = digitalocean_database_db.main_db.name
  }
}

resource "random_password" "session" {
  length  = 64
  special = false
}

resource "kubernetes_secret_v1" "session" {
  metadata {
    name      = "session"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = random_password.session.result
  }
}

resource "kubernetes_secret_v1" "smtp_password" {
  metadata {
    name      = "smtp-password"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = var.smtp_password
  }
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
    auto_scale = true
    min_nodes  = 3
    max_nodes  = 5
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "kubernetes_horizontal_pod_autoscaler_v2" "worker" {
  metadata {
    name      = "worker"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
  }

  spec {
    min_replicas = 1
    max_replicas = var.worker_max_count

    scale_target_ref {
      api_version = "apps/v1"
      kind        = "Deployment"
      name        = kubernetes_deployment_v1.worker.metadata[0].name
    }

    metric {
      type = "Resource"

      resource {
        name = "cpu"

        target {
          type                = "Utilization"
          average_utilization = 65
        }
      }
    }

    behavior {
      scale_up {
        stabilization_window_seconds = 60
        select_policy                = "Max"

        policy {
          type           = "Percent"
          value          = 100
          period_seconds = 15
        }

        policy {
          type           = "Pods"
          value          = 4
          period_seconds = 15
        }
      }

      scale_down {
        stabilization_window_seconds = 300

        policy {
          type           = "Percent"
          value          = 100
          period_seconds = 15
        }
      }
    }
  }
}

resource "digitalocean_database_firewall" "main" {
  cluster_id = digitalocean_database_cluster.main.id

  rule {
    type  = "k8s"
    value = digitalocean_kubernetes_cluster.main.id
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
  resources = flatten([[digitalocean_database_cluster.main.urn], [digitalocean_domain.main.urn], [digitalocean_kubernetes_cluster.main.urn]])
}
