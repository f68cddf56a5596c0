variable "instance_id" {
  type = string
}

variable "node_groups" {
  type = map(object({
    instance_type = string
    size          = number
  }))
  default = {
    general = { instance_type = "m5.large", size = 2 }
    compute = { instance_type = "c5.2xlarge", size = 1 }
    memory  = { instance_type = "r5.xlarge", size = 1 }
  }
}

resource "aws_eks_cluster" "main" {
  name     = "platform-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/cluster"
  version  = "1.31"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

# One group per map entry: the first key becomes the cluster's inline pool, the others a
# node pool repeated over the other keys.
resource "aws_eks_node_group" "this" {
  for_each        = var.node_groups
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = each.key
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  instance_types  = [each.value.instance_type]

  scaling_config {
    desired_size = each.value.size
    max_size     = each.value.size
    min_size     = each.value.size
  }
}

resource "aws_eks_cluster" "batch" {
  name     = "batch-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/cluster"
  version  = "1.31"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

# Three counted groups: instance 0 is the inline pool, 1 and 2 the node pool's 0 and 1.
resource "aws_eks_node_group" "batch" {
  count           = 3
  cluster_name    = aws_eks_cluster.batch.name
  node_group_name = "batch-${count.index}"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  instance_types  = ["t3.large"]

  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
}

output "general_pool" {
  value = aws_eks_node_group.this["general"].node_group_name
}

output "compute_pool" {
  value = aws_eks_node_group.this["compute"].node_group_name
}

output "pools_by_key" {
  value = { for k, g in aws_eks_node_group.this : k => g.node_group_name }
}

output "batch_pool_ids" {
  value = aws_eks_node_group.batch[*].id
}

output "last_batch_pool" {
  value = aws_eks_node_group.batch[2].node_group_name
}

output "batch_pools_by_index" {
  value = [for i in range(3) : aws_eks_node_group.batch[i].node_group_name]
}
