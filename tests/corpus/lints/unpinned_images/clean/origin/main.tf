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

variable "resize_digest" {
  type    = string
  default = "sha256:0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e"
}

resource "aws_lambda_function" "resize" {
  function_name = "resize-${var.instance_id}"
  role          = "arn:aws:iam::123456789012:role/resize"
  package_type  = "Image"
  image_uri     = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/resize@${var.resize_digest}"
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
        container {
          name  = "web"
          image = "nginx:1.27.3@sha256:bc5eac5eafc581aeda3008b4b1f07ebba230de2f27d47767129a6a905c84f470"
        }
      }
    }
  }
}
