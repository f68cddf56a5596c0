variable "instance_id" {
  type = string
}

variable "pools" {
  type    = number
  default = 3
}

resource "aws_eks_cluster" "main" {
  name     = "platform-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/cluster"
  version  = "1.31"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

# Three groups from one block: the first is the cluster's inline pool, the other two a counted
# node pool whose `count.index` starts at 1 again.
resource "aws_eks_node_group" "workers" {
  count           = var.pools
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "workers-${count.index}"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  instance_types  = [element(["t3.large", "t3.xlarge", "m5.2xlarge"], count.index)]

  scaling_config {
    desired_size = 1 + count.index
    max_size     = 1 + count.index
    min_size     = 1 + count.index
  }
}

output "second_pool" {
  value = aws_eks_node_group.workers[1].node_group_name
}
