resource "kubernetes_namespace_v1" "appliance" {
  metadata {
    name   = "appliance-${var.instance_id}"
    labels = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }
}

resource "kubernetes_secret_v1" "sps_db" {
  metadata {
    name      = "sps-db"
    namespace = kubernetes_namespace_v1.appliance.metadata[0].name
    labels    = {
      "app.kubernetes.io/managed-by" = "ferry"
      "ferry.dev/instance-id"        = var.instance_id
    }
  }

  type = "Opaque"
  data = {
    value = digitalocean_database_cluster.sps_db.password
  }
}

resource "digitalocean_database_cluster" "sps_db" {
  name             = "sps-db-${var.instance_id}"
  engine           = "pg"
  version          = "16"
  size             = "db-s-1vcpu-1gb"
  region           = var.region
  node_count       = 1
  storage_size_mib = "20480"
  tags             = ["instance-id:${var.instance_id}"]
}

resource "digitalocean_database_db" "sps_db_db" {
  cluster_id = digitalocean_database_cluster.sps_db.id
  name       = "sps_db"
}

resource "digitalocean_database_user" "sps_db_user" {
  cluster_id = digitalocean_database_cluster.sps_db.id
  name       = "sps_db_user"
}

resource "kubernetes_namespace" "airflow" {
  metadata {
    name = "airflow"
  }
}

resource "kubernetes_secret_v1" "sps_db_master_user_secret" {
  metadata {
    name      = "sps-db-master-user"
    namespace = kubernetes_namespace.airflow.metadata[0].name
  }

  type = "Opaque"
  data = {
    username = digitalocean_database_cluster.sps_db.user
    password = digitalocean_database_cluster.sps_db.password
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
    namespace = kubernetes_namespace.airflow.metadata[0].name
  }

  type = "kubernetes.io/dockerconfigjson"
  data = {
    ".dockerconfigjson" = digitalocean_container_registry_docker_credentials.appliance.docker_credentials
  }
}

resource "kubernetes_deployment" "ogc_processes_api" {
  metadata {
    name      = "ogc-processes-api"
    namespace = kubernetes_namespace.airflow.metadata[0].name
  }

  spec {
    replicas = 1

    selector {
      match_labels = {
        app = "ogc-processes-api"
      }
    }

    template {
      metadata {
        labels = {
          app = "ogc-processes-api"
        }
      }

      spec {
        container {
          image = "registry.digitalocean.com/${var.registry_name}/nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000"
          name  = "ogc-processes-api"

          env {
            name = "DB_PASSWORD"

            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.sps_db_master_user_secret.metadata[0].name
                key  = "password"
              }
            }
          }

          env {
            name  = "db_url"
            value = "postgresql://${digitalocean_database_cluster.sps_db.user}:${urlencode(kubernetes_secret_v1.sps_db.data["value"])}@${digitalocean_database_cluster.sps_db.host}:${digitalocean_database_cluster.sps_db.port}/${digitalocean_database_db.sps_db_db.name}"
          }
        }

        image_pull_secrets {
          name = kubernetes_secret_v1.registry.metadata[0].name
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
  resources = flatten([[digitalocean_database_cluster.sps_db.urn]])
}
