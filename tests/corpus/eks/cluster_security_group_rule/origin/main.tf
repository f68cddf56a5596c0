# ericsanto/terraform_eks_aws (modules/cluster/security-group.tf): a rule added to the security
# group EKS creates for the cluster. DOKS has none: the rule is dropped with a warning, not an
# error about a group outside the stack.
variable "instance_id" {
  type = string
}

resource "aws_eks_cluster" "main" {
  name     = "eks-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "aws_security_group_rule" "api" {
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_eks_cluster.main.vpc_config[0].cluster_security_group_id
}
