data "digitalocean_kubernetes_versions" "platform" {
  version_prefix = "1.31."
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

resource "kubernetes_manifest" "audit" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "audit-export-${var.instance_id}"
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
          timeoutSeconds       = 600
          containers           = [
            {
              image = "registry.digitalocean.com/${var.registry_name}/fn-audit:b90b707f005529e0"
              args  = ["com.example.audit.Export::handleRequest"]
              ports = [
                {
                  containerPort = 8080
                },
              ]
              resources = {
                requests = {
                  cpu    = "1158m"
                  memory = "2048Mi"
                }
                limits = {
                  memory = "2048Mi"
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

resource "digitalocean_kubernetes_cluster" "platform" {
  name    = "platform-${var.instance_id}"
  region  = var.region
  version = data.digitalocean_kubernetes_versions.platform.latest_version
  ha      = true
  tags    = ["instance-id:${var.instance_id}"]

  node_pool {
    name       = "default"
    size       = "g-2vcpu-8gb"
    auto_scale = true
    min_nodes  = 2
    max_nodes  = 6
    tags       = ["instance-id:${var.instance_id}"]
  }
}

resource "kubernetes_cron_job_v1" "hourly" {
  metadata {
    name      = "hourly"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
    }
  }

  spec {
    schedule           = "0 * * * *"
    timezone           = "Etc/UTC"
    concurrency_policy = "Allow"

    job_template {
      metadata {}

      spec {
        backoff_limit = 2

        template {
          metadata {}

          spec {
            restart_policy = "Never"

            container {
              name    = "invoke"
              image   = "curlimages/curl:8.11.1"
              command = ["sh", "-c"]
              args    = [
                "curl -fsS --max-time 610 -X POST -H 'Content-Type: application/json' --data \"$EVENT\" \"$FUNCTION_URL\"",
              ]

              env {
                name  = "FUNCTION_URL"
                value = "http://${kubernetes_manifest.audit.manifest.metadata.name}.${kubernetes_namespace_v1.appliance.metadata[0].name}.svc.cluster.local/2015-03-31/functions/function/invocations"
              }

              env {
                name  = "EVENT"
                value = "{\"version\":\"0\",\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}"
              }
            }
          }
        }
      }
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
  resources = flatten([[digitalocean_kubernetes_cluster.platform.urn]])
}
