# unity-sds/unity-sps (terraform-unity/modules/terraform-unity-sps-airflow/main.tf): a kept
# Deployment reads the database password in its `env` (known gap #307). `DB_PASSWORD`, the same
# value the database was given, reads the database's admin Secret in the Deployment's own
# namespace by `value_from.secret_key_ref` (F342); `db_url` holds it inside a connection URL
# (`urlencode(…)`), which stays as written with a warning naming the container and variable.
variable "instance_id" {
  type = string
}

resource "random_password" "sps_db" {
  length  = 16
  special = false
}

resource "aws_secretsmanager_secret" "sps_db" {
  name = "sps-db-${var.instance_id}"
}

resource "aws_secretsmanager_secret_version" "sps_db" {
  secret_id     = aws_secretsmanager_secret.sps_db.id
  secret_string = random_password.sps_db.result
}

resource "aws_db_instance" "sps_db" {
  identifier        = "sps-db-${var.instance_id}"
  engine            = "postgres"
  engine_version    = "16"
  instance_class    = "db.t3.micro"
  allocated_storage = 20
  db_name           = "sps_db"
  username          = "sps_db_user"
  password          = aws_secretsmanager_secret_version.sps_db.secret_string
}

resource "kubernetes_namespace" "airflow" {
  metadata {
    name = "airflow"
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
          image = "nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000"
          name  = "ogc-processes-api"
          env {
            name  = "DB_PASSWORD"
            value = aws_secretsmanager_secret_version.sps_db.secret_string
          }
          env {
            name  = "db_url"
            value = "postgresql://${aws_db_instance.sps_db.username}:${urlencode(aws_secretsmanager_secret_version.sps_db.secret_string)}@${aws_db_instance.sps_db.endpoint}/${aws_db_instance.sps_db.db_name}"
          }
        }
      }
    }
  }
}
