# The origin's `provider "helm"` selects no cluster (an empty block beside the registry EKS
# module, as in cezariuszrozman/terraform-aws-eks `provider.tf`): Helm would install the
# releases into whatever the operator's kubeconfig points at. The stack's block is wired to
# the DOKS cluster and keeps the block's other settings (sweep 13 #219).
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"

  cluster_name    = "apps-${var.instance_id}"
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

provider "helm" {
  debug = true
}

resource "helm_release" "metrics" {
  name       = "metrics-server"
  namespace  = "kube-system"
  repository = "https://kubernetes-sigs.github.io/metrics-server/"
  chart      = "metrics-server"

  depends_on = [module.eks]
}

variable "instance_id" {
  type = string
}
