# The outputs print the AWS CLI command that fetches the cluster's kubeconfig (common in
# terraform-aws-eks examples); on DigitalOcean the operator runs doctl instead.
provider "aws" {
  region = var.region
}

variable "region" {
  default = "eu-central-1"
}

variable "cluster_name" {
  default = "demo"
}

resource "aws_iam_role" "cluster" {
  name = "demo-eks-cluster"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "eks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_eks_cluster" "main" {
  name     = var.cluster_name
  role_arn = aws_iam_role.cluster.arn
  version  = "1.31"

  vpc_config {
    subnet_ids = ["subnet-0a1", "subnet-0b2"]
  }
}

resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "default"
  node_role_arn   = aws_iam_role.cluster.arn
  subnet_ids      = ["subnet-0a1", "subnet-0b2"]
  instance_types  = ["m5.large"]

  scaling_config {
    desired_size = 2
    min_size     = 1
    max_size     = 3
  }
}

output "configure_kubectl" {
  description = "Configure kubectl for the cluster"
  value       = "aws eks --region ${var.region} update-kubeconfig --name ${aws_eks_cluster.main.name}"
}

output "kubeconfig_by_variable" {
  value = "aws eks update-kubeconfig --name ${var.cluster_name} --region eu-central-1"
}

output "cluster_endpoint" {
  value = aws_eks_cluster.main.endpoint
}
