variable "instance_id" {
  type = string
}

# An old stack pinned to Kubernetes 1.17, long retired by DOKS (and by EKS).
resource "aws_eks_cluster" "legacy" {
  name     = "legacy-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/cluster"
  version  = "1.17"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

resource "aws_eks_node_group" "workers" {
  cluster_name    = aws_eks_cluster.legacy.name
  node_group_name = "workers"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  instance_types  = ["t3.medium"]

  scaling_config {
    desired_size = 2
    max_size     = 2
    min_size     = 2
  }
}
