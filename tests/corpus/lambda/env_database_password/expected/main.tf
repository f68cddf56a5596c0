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

resource "kubernetes_secret_v1" "orders_master_user_secret" {
  metadata {
    name      = "orders-master-user"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
  }

  type = "Opaque"
  data = {
    username = digitalocean_database_cluster.orders.user
    password = digitalocean_database_cluster.orders.password
  }
}

resource "kubernetes_manifest" "report" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "orders-report-${var.instance_id}"
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
          timeoutSeconds       = 60
          containers           = [
            {
              image = "ghcr.io/example/orders-report:1.4.0"
              env   = [
                {
                  name  = "DB_HOST"
                  value = tostring(digitalocean_database_cluster.orders.host)
                },
                {
                  name  = "DB_USER"
                  value = tostring(digitalocean_database_cluster.orders.user)
                },
                {
                  name      = "DB_PASSWORD"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.orders_master_user_secret.metadata[0].name
                      key  = "password"
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
                  cpu    = "289m"
                  memory = "512Mi"
                }
                limits = {
                  memory = "512Mi"
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

resource "digitalocean_database_cluster" "orders" {
  name             = "orders-${var.instance_id}"
  engine           = "pg"
  version          = "16"
  size             = "db-s-1vcpu-2gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "orders_db" {
  cluster_id = digitalocean_database_cluster.orders.id
  name       = "orders"
}

resource "digitalocean_database_user" "orders_user" {
  cluster_id = digitalocean_database_cluster.orders.id
  name       = "orders"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.orders.urn]])
}
