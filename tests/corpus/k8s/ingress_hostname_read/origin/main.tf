# unity-sds/unity-sps (terraform-unity-sps-airflow): the URL an application is published under is
# read from its Ingress's load-balancer status, `hostname`, as on AWS, where the AWS Load
# Balancer Controller writes the ALB's DNS name there. A DOKS load balancer publishes an IP
# address and no host name, so every read of `hostname` (in a kept ConfigMap, an SSM parameter
# turned Kubernetes Secret, an output) reads `ip` instead, with a note naming the resource.
resource "aws_eks_cluster" "main" {
  name     = "apps-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "kubernetes_ingress_v1" "api" {
  metadata {
    name      = "api"
    namespace = "apps"
  }

  spec {
    ingress_class_name = "nginx"

    rule {
      http {
        path {
          path = "/"
          backend {
            service {
              name = "api"
              port {
                number = 8080
              }
            }
          }
        }
      }
    }
  }
}

resource "kubernetes_config_map_v1" "urls" {
  metadata {
    name      = "urls"
    namespace = "apps"
  }

  data = {
    API_URL = "http://${kubernetes_ingress_v1.api.status[0].load_balancer[0].ingress[0].hostname}:80/api"
  }
}

output "api_url" {
  value = "http://${kubernetes_ingress_v1.api.status[0].load_balancer[0].ingress[0].hostname}/api"
}

variable "instance_id" {
  type = string
}
