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

resource "kubernetes_secret_v1" "tagger_env" {
  metadata {
    name      = "tagger-env"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/name"       = "tagger"
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    OPENAI_API_KEY = tostring(var.openai_api_key)
  }
}

resource "kubernetes_manifest" "tagger" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "alex-tagger"
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
          timeoutSeconds       = 300
          containers           = [
            {
              image = "registry.digitalocean.com/${var.registry_name}/fn-tagger:2b72ce6a195e9a36"
              args  = ["lambda_handler.lambda_handler"]
              env   = [
                {
                  name  = "BEDROCK_MODEL_ID"
                  value = tostring(var.bedrock_model_id)
                },
                {
                  name  = "LANGFUSE_PUBLIC_KEY"
                  value = tostring(var.langfuse_public_key)
                },
                {
                  name      = "OPENAI_API_KEY"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.tagger_env.metadata[0].name
                      key  = "OPENAI_API_KEY"
                    }
                  }
                },
              ]
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

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}
