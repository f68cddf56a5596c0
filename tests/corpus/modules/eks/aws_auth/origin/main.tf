# karthikshekar2307/MonitoringStack (terraform/envs/non-prod/main.tf): the EKS module's aws-auth
# submodule maps IAM users and roles to `system:masters`; DOKS has no IAM to map.
variable "instance_id" {
  type = string
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "20.8.5"

  cluster_name    = "monitoring-${var.instance_id}"
  cluster_version = "1.31"

  eks_managed_node_groups = {
    default = {
      instance_types = ["t3.large"]
      min_size       = 1
      max_size       = 3
      desired_size   = 2
    }
  }
}

module "aws_auth" {
  source  = "terraform-aws-modules/eks/aws//modules/aws-auth"
  version = "20.8.5"

  manage_aws_auth_configmap = true

  aws_auth_users = [
    {
      userarn  = "arn:aws:iam::123456789012:user/ops"
      username = "ops"
      groups   = ["system:masters"]
    }
  ]

  aws_auth_roles = [
    {
      rolearn  = "arn:aws:iam::123456789012:role/github-deploy"
      username = "github-actions"
      groups   = ["system:masters"]
    }
  ]
}
