resource "aws_iam_role" "cluster" {
  name               = "eks-cluster"
  assume_role_policy = "{}"
}

resource "aws_iam_role" "node" {
  name               = "eks-node"
  assume_role_policy = "{}"
}

resource "aws_eks_cluster" "this" {
  name     = "monitoring"
  role_arn = aws_iam_role.cluster.arn
  version  = "1.31"

  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

output "cluster_name" {
  value = aws_eks_cluster.this.name
}

output "node_role_arn" {
  value = aws_iam_role.node.arn
}
