# Helm provider 3.x takes its cluster as an attribute, `kubernetes = { … }`, with `exec = { … }`
# inside, here a token from the AWS CLI: on DigitalOcean it must read the DOKS cluster's own
# token instead, as the 2.x block form does (k8s/helm_provider_exec_aws_cli).
terraform {
  required_providers {
    helm = {
      source  = "hashicorp/helm"
      version = "~> 3.0"
    }
  }
}

resource "aws_eks_cluster" "main" {
  name     = "platform"
  role_arn = "arn:aws:iam::123456789012:role/cluster"
  version  = "1.31"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

resource "aws_eks_node_group" "workers" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "workers"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  instance_types  = ["t3.large"]

  scaling_config {
    desired_size = 2
    max_size     = 4
    min_size     = 1
  }
}

provider "helm" {
  kubernetes = {
    host                   = aws_eks_cluster.main.endpoint
    cluster_ca_certificate = base64decode(aws_eks_cluster.main.certificate_authority[0].data)
    exec = {
      api_version = "client.authentication.k8s.io/v1beta1"
      args        = ["eks", "get-token", "--cluster-name", aws_eks_cluster.main.name]
      command     = "aws"
    }
  }
}

resource "helm_release" "ingress" {
  name       = "ingress-nginx"
  repository = "https://kubernetes.github.io/ingress-nginx"
  chart      = "ingress-nginx"
  version    = "4.11.3"
}
