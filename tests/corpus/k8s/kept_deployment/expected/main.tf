data "digitalocean_kubernetes_versions" "main" {
  version_prefix = "1.31."
}

resource "digitalocean_kubernetes_cluster" "main" {
  name    = "aperture-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.main.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "main"
    size       = "s-4vcpu-8gb"
    auto_scale = true
    min_nodes  = 2
    max_nodes  = 4
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "digitalocean_container_registry" "appliance" {
  count                  = var.create_registry ? 1 : 0
  name                   = var.registry_name
  subscription_tier_slug = "basic"
}

resource "kubernetes_namespace" "portal" {
  metadata {
    name = "portal"
  }
}

resource "digitalocean_container_registry_docker_credentials" "appliance" {
  registry_name = var.registry_name
  depends_on    = [digitalocean_container_registry.appliance]
}

resource "kubernetes_secret_v1" "registry" {
  metadata {
    name      = "registry-credentials"
    namespace = kubernetes_namespace.portal.metadata[0].name
  }

  type = "kubernetes.io/dockerconfigjson"
  data = {
    ".dockerconfigjson" = digitalocean_container_registry_docker_credentials.appliance.docker_credentials
  }
}

resource "kubernetes_deployment_v1" "portal" {
  metadata {
    name      = "portal"
    namespace = kubernetes_namespace.portal.metadata[0].name
  }

  spec {
    replicas = 2

    selector {
      match_labels = {
        app = "portal"
      }
    }

    template {
      metadata {
        labels = {
          app = "portal"
        }
      }

      spec {
        init_container {
          name    = "assets"
          image   = "registry.digitalocean.com/${var.registry_name}/aperture/portal:assets-3.1"
          command = ["cp", "-r", "/assets", "/shared"]
        }

        container {
          name  = "portal"
          image = "registry.digitalocean.com/${var.registry_name}/aperture/portal:3.1"

          port {
            container_port = 8080
          }
        }

        container {
          name  = "proxy"
          image = "registry.digitalocean.com/${var.registry_name}/envoyproxy/envoy:v1.30.1"
        }

        image_pull_secrets {
          name = kubernetes_secret_v1.registry.metadata[0].name
        }
      }
    }
  }
}

resource "kubernetes_manifest" "worker" {
  manifest = {
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata   = {
      name      = "portal-worker"
      namespace = "portal"
    }
    spec = {
      selector = {
        matchLabels = {
          app = "portal-worker"
        }
      }
      template = {
        metadata = {
          labels = {
            app = "portal-worker"
          }
        }
        spec = {
          containers = [
            {
              name  = "worker"
              image = "registry.digitalocean.com/${var.registry_name}/aperture/portal:3.1"
              args  = ["worker"]
            },
          ]
          imagePullSecrets = [
            {
              name = kubernetes_secret_v1.registry.metadata[0].name
            },
          ]
        }
      }
    }
  }
}

resource "kubernetes_service" "portal" {
  metadata {
    name      = "portal"
    namespace = kubernetes_namespace.portal.metadata[0].name
  }

  spec {
    selector = {
      app = "portal"
    }

    port {
      port        = 80
      target_port = 8080
    }

    type = "LoadBalancer"
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
