data "digitalocean_kubernetes_versions" "workloads" {}

resource "digitalocean_kubernetes_cluster" "workloads" {
  name    = "workloads-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.workloads.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "workloads"
    size       = "s-8vcpu-16gb"
    node_count = 2
    tags       = ["instance-id:${var.instance_id}"]
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
    replicas = var.services.web.count

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
          image = replace(var.services.web.image, "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/", "registry.digitalocean.com/${var.registry_name}/")

          port {
            container_port = 8080
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
  }

  spec {
    selector = {
      "app.kubernetes.io/name" = "web"
    }

    port {
      name        = "tcp-8080"
      port        = 8080
      target_port = "8080"
      protocol    = "TCP"
    }
  }
}

resource "kubernetes_deployment_v1" "search" {
  metadata {
    name      = "search"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "search"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    replicas = var.services.search.count

    selector {
      match_labels = {
        "app.kubernetes.io/name" = "search"
      }
    }

    template {
      metadata {
        labels = {
          "app.kubernetes.io/name"       = "search"
          "app.kubernetes.io/managed-by" = "ferry"
          "ferry.dev/instance-id"        = var.instance_id
        }
      }

      spec {
        container {
          name  = "search"
          image = replace(var.services.search.image, "123456789012.dkr.ecr.ap-southeast-2.amazonaws.com/", "registry.digitalocean.com/${var.registry_name}/")

          port {
            container_port = 9200
            protocol       = "TCP"
          }

          port {
            container_port = 9300
            protocol       = "TCP"
          }

          resources {
            requests = {
              cpu    = "4"
              memory = "8Gi"
            }
            limits = {
              cpu    = "4"
              memory = "8Gi"
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

resource "kubernetes_service_v1" "search" {
  metadata {
    name      = "search"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "search"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  spec {
    selector = {
      "app.kubernetes.io/name" = "search"
    }

    port {
      name        = "tcp-9200"
      port        = 9200
      target_port = "9200"
      protocol    = "TCP"
    }

    port {
      name        = "tcp-9300"
      port        = 9300
      target_port = "9300"
      protocol    = "TCP"
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
  resources = flatten([[digitalocean_kubernetes_cluster.workloads.urn]])
}
