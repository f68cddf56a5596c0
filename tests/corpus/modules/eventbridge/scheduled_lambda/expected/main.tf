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

resource "kubernetes_manifest" "report_fn" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "report-${var.instance_id}"
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
          timeoutSeconds       = 3
          containers           = [
            {
              image = "registry.digitalocean.com/${var.registry_name}/fn-report-fn:d5988f174ac79ebe"
              args  = ["index.handler"]
              ports = [
                {
                  containerPort = 8080
                },
              ]
              resources = {
                requests = {
                  cpu    = "72m"
                  memory = "128Mi"
                }
                limits = {
                  memory = "128Mi"
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

resource "kubernetes_cron_job_v1" "schedules_nightly_report" {
  metadata {
    name      = "schedules-nightly-schedules-nightly-report"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
    }
  }

  spec {
    schedule           = "0 2 * * *"
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
                "curl -fsS --max-time 13 -X POST -H 'Content-Type: application/json' --data \"$EVENT\" \"$FUNCTION_URL\"",
              ]

              env {
                name  = "FUNCTION_URL"
                value = "http://${kubernetes_manifest.report_fn.manifest.metadata.name}.${kubernetes_namespace_v1.appliance.metadata[0].name}.svc.cluster.local/2015-03-31/functions/function/invocations"
              }

              env {
                name  = "EVENT"
                value = jsonencode({ kind = "daily" })
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
