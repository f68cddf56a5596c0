# antondziubin/simple-eks-karpenter-setup (eks/karpenter.tf): the EKS module's karpenter
# submodule creates Karpenter's AWS side (controller and node IAM roles, SQS interruption
# queue, EventBridge rules). On DOKS it creates nothing: the node pool scales itself. Its
# outputs read `null` (the Karpenter chart that reads them is left out, as #206 says).
variable "instance_id" {
  type = string
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.23.0"

  cluster_name    = "opsfleet-eks-${var.instance_id}"
  cluster_version = "1.31"

  eks_managed_node_groups = {
    bootstrap = {
      instance_types = ["m5.large"]
      min_size       = 1
      max_size       = 3
      desired_size   = 1
    }
  }
}

module "karpenter" {
  source  = "terraform-aws-modules/eks/aws//modules/karpenter"
  version = "20.26.0"

  cluster_name = module.eks.cluster_name
  enable_irsa  = true

  node_iam_role_additional_policies = {
    AmazonSSMManagedInstanceCore = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
  }
}

resource "helm_release" "karpenter" {
  namespace        = "karpenter"
  create_namespace = true
  name             = "karpenter"
  repository       = "oci://public.ecr.aws/karpenter"
  chart            = "karpenter"
  version          = "0.36.2"

  set {
    name  = "settings.clusterName"
    value = module.eks.cluster_name
  }

  set {
    name  = "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn"
    value = module.karpenter.iam_role_arn
  }

  set {
    name  = "settings.interruptionQueue"
    value = module.karpenter.queue_name
  }
}

output "karpenter_node_role" {
  value = module.karpenter.node_iam_role_name
}
