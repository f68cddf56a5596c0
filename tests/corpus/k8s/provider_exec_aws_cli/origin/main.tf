variable "instance_id" {
  type = string
}

resource "aws_eks_cluster" "main" {
  name     = "app-${var.instance_id}"
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

  scaling_config {
    desired_size = 2
    max_size     = 2
    min_size     = 2
  }
}

# The token comes from the AWS CLI, which has nothing to say about a DOKS cluster.
provider "kubernetes" {
  host                   = aws_eks_cluster.main.endpoint
  cluster_ca_certificate = base64decode(aws_eks_cluster.main.certificate_authority[0].data)

  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", aws_eks_cluster.main.name]
  }
}

resource "kubernetes_namespace" "app" {
  metadata {
    name = "app-${var.instance_id}"
  }
}
