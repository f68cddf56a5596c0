variable "instance_id" {
  type = string
}

resource "aws_eks_cluster" "main" {
  name     = "platform-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/cluster"
  version  = "1.30"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

# `count = 1` (a toggle): the cluster's one node group, not an extra pool.
resource "aws_eks_node_group" "workers" {
  count           = 1
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "workers"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  instance_types  = ["m5.large"]

  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }
}

output "node_group" {
  value = aws_eks_node_group.workers[0].node_group_name
}
