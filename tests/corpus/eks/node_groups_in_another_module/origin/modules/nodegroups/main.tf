variable "cluster_name" {
  type = string
}

variable "node_role" {
  type = string
}

variable "groups" {
  default = {
    system = { instance_type = "t3.medium", size = 2, labels = { workload = "system" } }
    argocd = { instance_type = "t3.large", size = 1, labels = { workload = "argocd" } }
  }
}

resource "aws_eks_node_group" "this" {
  for_each        = var.groups
  cluster_name    = var.cluster_name
  node_group_name = each.key
  node_role_arn   = var.node_role
  subnet_ids      = ["subnet-a", "subnet-b"]
  instance_types  = [each.value.instance_type]
  labels          = each.value.labels

  scaling_config {
    desired_size = each.value.size
    min_size     = 1
    max_size     = 3
  }

  taint {
    key    = "dedicated"
    value  = each.key
    effect = "NO_SCHEDULE"
  }
}
