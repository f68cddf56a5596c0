resource "digitalocean_vpc" "main" {
  name     = "main-${var.instance_id}"
  region   = var.region
  ip_range = "10.0.0.0/16"
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

resource "kubernetes_secret_v1" "cache_valkey_password" {
  metadata {
    name      = "cache-valkey"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
  }

  type = "Opaque"
  data = {
    password = digitalocean_database_cluster.cache.password
  }
}

resource "kubernetes_manifest" "counter" {
  manifest = {
    apiVersion = "serving.knative.dev/v1"
    kind       = "Service"
    metadata   = {
      name      = "counter-${var.instance_id}"
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
              image = "registry.digitalocean.com/${var.registry_name}/fn-counter:28be490d773430ac"
              args  = ["app.handler"]
              env   = [
                {
                  name  = "REDIS_HOST"
                  value = tostring(digitalocean_database_cluster.cache.private_host)
                },
                {
                  name      = "REDIS_PASSWORD"
                  valueFrom = {
                    secretKeyRef = {
                      name = kubernetes_secret_v1.cache_valkey_password.metadata[0].name
                      key  = "password"
                    }
                  }
                },
                {
                  name  = "REDIS_PORT"
                  value = tostring(digitalocean_database_cluster.cache.port)
                },
                {
                  name  = "DATABASE_URL"
                  value = "postgres://app@${digitalocean_database_cluster.orders.private_host}:${digitalocean_database_cluster.orders.port}/orders"
                },
                {
                  name  = "ORDERS_HOST"
                  value = tostring(digitalocean_database_cluster.orders.private_host)
                },
                {
                  name  = "REPORTING_HOST"
                  value = tostring(digitalocean_database_cluster.reporting.host)
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

resource "digitalocean_database_cluster" "cache" {
  name                 = "cache-${var.instance_id}"
  engine               = "valkey"
  version              = "8"
  size                 = "db-s-1vcpu-1gb"
  region               = var.region
  node_count           = 1
  private_network_uuid = digitalocean_vpc.main.id
  eviction_policy      = "volatile_lru"
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_cluster" "orders" {
  name                 = "orders-${var.instance_id}"
  engine               = "pg"
  version              = "16"
  size                 = "db-s-1vcpu-2gb"
  region               = var.region
  node_count           = 1
  storage_size_mib     = "20480"
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "orders_db" {
  cluster_id = digitalocean_database_cluster.orders.id
  name       = "orders"
}

resource "digitalocean_database_user" "orders_user" {
  cluster_id = digitalocean_database_cluster.orders.id
  name       = "app"
}

resource "digitalocean_database_cluster" "reporting" {
  name                 = "reporting-${var.instance_id}"
  engine               = "pg"
  version              = "16"
  size                 = "db-s-1vcpu-2gb"
  region               = var.region
  node_count           = 1
  storage_size_mib     = "20480"
  private_network_uuid = digitalocean_vpc.main.id
  tags                 = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_user" "reporting_user" {
  cluster_id = digitalocean_database_cluster.reporting.id
  name       = "analyst"
}

resource "digitalocean_project" "appliance" {
  name        = "ferry-${var.instance_id}"
  description = "Ferry appliance (compiled by Ferry)"
  purpose     = "Web Application"
  environment = "production"
}

resource "digitalocean_project_resources" "appliance" {
  project   = digitalocean_project.appliance.id
  resources = flatten([[digitalocean_database_cluster.cache.urn], [digitalocean_database_cluster.orders.urn], [digitalocean_database_cluster.reporting.urn]])
}
