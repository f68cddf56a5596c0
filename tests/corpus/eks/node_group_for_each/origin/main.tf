variable "instance_id" {
  type = string
}

variable "node_groups" {
  type = map(object({
    instance_type = string
    min           = number
    max           = number
  }))
  default = {
    general = {
      instance_type = "m5.large"
      min           = 2
      max           = 4
    }
    compute = {
      instance_type = "c5.2xlarge"
      min           = 1
      max           = 6
    }
    memory = {
      instance_type = "r5.xlarge"
      min           = 1
      max           = 2
    }
  }
}

resource "aws_eks_cluster" "main" {
  name     = "platform-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/cluster"
  version  = "1.30"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

# Several groups from one block: the first becomes the cluster's inline pool, the others
# separate node pools.
resource "aws_eks_node_group" "this" {
  for_each        = var.node_groups
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = each.key
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  instance_types  = [each.value.instance_type]

  scaling_config {
    desired_size = each.value.min
    max_size     = each.value.max
    min_size     = each.value.min
  }

  labels = {
    group = each.key
  }
}

# A second counted group: it stays counted, each instance sized from its own instance type.
resource "aws_eks_node_group" "batch" {
  count           = 2
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "batch-${count.index}"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  instance_types  = count.index == 0 ? ["t3.large"] : ["t3.xlarge"]

  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
}

# A second cluster whose groups come from a set: `blue` is its inline pool, `green` a node pool.
resource "aws_eks_cluster" "edge" {
  name     = "edge-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/cluster"
  version  = "1.30"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

resource "aws_eks_node_group" "edge" {
  for_each        = toset(["blue", "green"])
  cluster_name    = aws_eks_cluster.edge.name
  node_group_name = "edge-${each.value}"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]

  scaling_config {
    desired_size = 2
    max_size     = 2
    min_size     = 2
  }
}
