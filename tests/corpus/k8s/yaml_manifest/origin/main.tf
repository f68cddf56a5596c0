provider "aws" {
  region = "us-east-1"
}

resource "aws_eks_cluster" "main" {
  name     = "blackmesa-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-1"]
  }
}

resource "kubernetes_manifest" "api" {
  manifest = yamldecode(file("${path.module}/manifests/api.yaml"))
}
