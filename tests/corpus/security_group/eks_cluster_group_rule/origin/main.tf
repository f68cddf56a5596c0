# antondziubin/simple-eks-karpenter-setup (eks/eks.tf): rules added to the security groups the
# EKS module (and EKS itself, for an `aws_eks_cluster`) creates, so Fargate pods and nodes reach
# each other. DOKS manages its cluster's firewall: the rules are dropped with a warning, where
# a rule on a group outside the stack stays an error.
variable "instance_id" {
  type = string
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.23.0"

  cluster_name    = "app-${var.instance_id}"
  cluster_version = "1.31"

  eks_managed_node_groups = {
    default = {
      instance_types = ["m5.large"]
      min_size       = 1
      max_size       = 2
      desired_size   = 1
    }
  }
}

resource "aws_security_group_rule" "cluster_to_nodes" {
  security_group_id        = module.eks.cluster_primary_security_group_id
  type                     = "ingress"
  from_port                = 0
  to_port                  = 0
  protocol                 = "-1"
  source_security_group_id = module.eks.node_security_group_id
}

resource "aws_security_group_rule" "nodes_to_cluster" {
  security_group_id        = module.eks.node_security_group_id
  type                     = "ingress"
  from_port                = 0
  to_port                  = 0
  protocol                 = "-1"
  source_security_group_id = module.eks.cluster_primary_security_group_id
}

resource "aws_iam_role" "cluster" {
  name = "other-${var.instance_id}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Action = "sts:AssumeRole", Effect = "Allow", Principal = { Service = "eks.amazonaws.com" } }]
  })
}

resource "aws_eks_cluster" "other" {
  name     = "other-${var.instance_id}"
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

resource "aws_security_group_rule" "other_https" {
  security_group_id = aws_eks_cluster.other.vpc_config[0].cluster_security_group_id
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
}

variable "outside_group" {
  type    = string
  default = "sg-0123456789abcdef0"
}

resource "aws_security_group_rule" "outside" {
  security_group_id = var.outside_group
  type              = "ingress"
  from_port         = 22
  to_port           = 22
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
}
