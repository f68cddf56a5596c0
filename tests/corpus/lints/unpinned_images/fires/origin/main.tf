provider "aws" {
  region = "eu-central-1"

  default_tags {
    tags = { "instance-id" = var.instance_id }
  }
}

provider "kubernetes" {
  config_path = "~/.kube/config"
}

variable "instance_id" {
  type = string
}

variable "release" {
  type    = string
  default = "5.2.0"
}

resource "aws_lambda_function" "resize" {
  function_name = "resize-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/resize"
  package_type  = "Image"
  image_uri     = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/resize:${var.release}"
}

resource "kubernetes_deployment_v1" "web" {
  metadata {
    name = "web"
  }

  spec {
    replicas = 2

    selector {
      match_labels = { app = "web" }
    }

    template {
      metadata {
        labels = { app = "web" }
      }

      spec {
        init_container {
          name    = "migrate"
          image   = "ghcr.io/acme/web-migrations:${var.release}"
          command = ["./migrate", "up"]
        }

        container {
          name  = "web"
          image = "nginx"
        }
      }
    }
  }
}
