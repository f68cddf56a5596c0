variable "db_host" {
  type = string
}

variable "db_port" {
  type = number
}

resource "kubernetes_secret" "db" {
  metadata {
    name = "worker-db"
  }
  data = {
    url = "mysql://${var.db_host}:${var.db_port}/app"
  }
}
