provider "aws" {
  region = "ap-southeast-2"
}

variable "instance_id" {
  type = string
}

variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
}

locals {
  cluster_name = "serverless-${var.instance_id}"
  addons = {
    "vpc-cni"            = "v1.18.1-eksbuild.1"
    "coredns"            = "v1.11.1-eksbuild.9"
    "kube-proxy"         = "v1.29.3-eksbuild.2"
    "aws-ebs-csi-driver" = "v1.30.0-eksbuild.1"
  }
}

resource "aws_iam_role" "fargate" {
  name = "${local.cluster_name}-fargate"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "eks-fargate-pods.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_eks_cluster" "main" {
  name     = "serverless-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"
  version  = "1.31"

  vpc_config {
    subnet_ids = var.private_subnet_ids
  }

  access_config {
    authentication_mode = "API"
  }
}

resource "aws_eks_addon" "this" {
  for_each      = local.addons
  cluster_name  = aws_eks_cluster.main.name
  addon_name    = each.key
  addon_version = each.value
}

resource "aws_eks_addon" "observability" {
  cluster_name = aws_eks_cluster.main.name
  addon_name   = "amazon-cloudwatch-observability"
}

resource "aws_eks_fargate_profile" "default" {
  cluster_name           = aws_eks_cluster.main.name
  fargate_profile_name   = "default"
  pod_execution_role_arn = aws_iam_role.fargate.arn
  subnet_ids             = var.private_subnet_ids

  selector {
    namespace = "default"
  }

  selector {
    namespace = "kube-system"
  }
}

resource "aws_eks_access_entry" "ci" {
  cluster_name  = aws_eks_cluster.main.name
  principal_arn = "arn:aws:iam::123456789012:role/ci-deployer"
}

resource "aws_eks_access_policy_association" "ci" {
  cluster_name  = aws_eks_cluster.main.name
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
  principal_arn = aws_eks_access_entry.ci.principal_arn

  access_scope {
    type = "cluster"
  }
}

output "cluster_id" {
  value = aws_eks_cluster.main.id
}

output "fargate_profile_arn" {
  value = aws_eks_fargate_profile.default.arn
}
