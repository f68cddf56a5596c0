provider "aws" {
  region = "us-west-2"
}

resource "aws_eks_cluster" "main" {
  name     = "aperture-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = "1.31"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

resource "aws_eks_node_group" "main" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "main"
  node_role_arn   = "arn:aws:iam::123456789012:role/nodes"
  subnet_ids      = ["subnet-1", "subnet-2"]
  instance_types  = ["t3.large"]

  scaling_config {
    desired_size = 2
    min_size     = 2
    max_size     = 4
  }
}

data "aws_eks_cluster_auth" "main" {
  name = aws_eks_cluster.main.name
}

provider "kubernetes" {
  host                   = aws_eks_cluster.main.endpoint
  cluster_ca_certificate = base64decode(aws_eks_cluster.main.certificate_authority[0].data)
  token                  = data.aws_eks_cluster_auth.main.token
}

resource "aws_ecr_repository" "portal" {
  name = "aperture/portal"
}

resource "kubernetes_namespace" "portal" {
  metadata {
    name = "portal"
  }
}

resource "kubernetes_deployment_v1" "portal" {
  metadata {
    name      = "portal"
    namespace = kubernetes_namespace.portal.metadata[0].name
  }

  spec {
    replicas = 2

    selector {
      match_labels = { app = "portal" }
    }

    template {
      metadata {
        labels = { app = "portal" }
      }

      spec {
        init_container {
          name    = "assets"
          image   = "${aws_ecr_repository.portal.repository_url}:assets-3.1"
          command = ["cp", "-r", "/assets", "/shared"]
        }

        container {
          name  = "portal"
          image = "${aws_ecr_repository.portal.repository_url}:3.1"

          port {
            container_port = 8080
          }
        }

        container {
          name  = "proxy"
          image = "envoyproxy/envoy:v1.30.1"
        }
      }
    }
  }
}

resource "kubernetes_manifest" "worker" {
  manifest = {
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata = {
      name      = "portal-worker"
      namespace = "portal"
    }
    spec = {
      selector = { matchLabels = { app = "portal-worker" } }
      template = {
        metadata = { labels = { app = "portal-worker" } }
        spec = {
          containers = [{
            name  = "worker"
            image = "123456789012.dkr.ecr.us-west-2.amazonaws.com/aperture/portal:3.1"
            args  = ["worker"]
          }]
        }
      }
    }
  }
}

resource "kubernetes_service" "portal" {
  metadata {
    name      = "portal"
    namespace = kubernetes_namespace.portal.metadata[0].name
  }
  spec {
    selector = { app = "portal" }
    port {
      port        = 80
      target_port = 8080
    }
    type = "LoadBalancer"
  }
}
