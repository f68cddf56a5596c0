provider "aws" {
  region = "eu-west-2"
}

variable "instance_id" {
  type = string
}

resource "aws_vpc" "main" {
  cidr_block = "10.50.0.0/16"
  tags = {
    Name = "analytics-${var.instance_id}"
  }
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.50.1.0/24"
}

resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.50.2.0/24"
}

resource "aws_eks_cluster" "analytics" {
  name     = "analytics-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"

  vpc_config {
    subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
  }
}

output "kubeconfig_endpoint" {
  value = aws_eks_cluster.analytics.endpoint
}
