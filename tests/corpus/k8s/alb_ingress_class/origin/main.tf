# cezariuszrozman/terraform-aws-eks (argocd.tf): Argo CD's server Ingress asks for the class
# `alb`, which only the AWS Load Balancer Controller serves; so does a kept Ingress's annotation.
# Both are kept as written, with a warning naming the NGINX Ingress class `nginx`.
resource "aws_eks_cluster" "main" {
  name     = "eks-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "helm_release" "argocd" {
  name       = "argocd"
  repository = "https://argoproj.github.io/argo-helm"
  chart      = "argo-cd"
  namespace  = "argocd"

  set {
    name  = "server.ingress.enabled"
    value = "true"
  }

  set {
    name  = "server.ingress.ingressClassName"
    value = "alb"
  }
}

resource "kubernetes_ingress_v1" "web" {
  metadata {
    name = "web"
    annotations = {
      "kubernetes.io/ingress.class" = "alb"
    }
  }

  spec {
    default_backend {
      service {
        name = "web"
        port {
          number = 80
        }
      }
    }
  }
}

variable "instance_id" {
  type = string
}
