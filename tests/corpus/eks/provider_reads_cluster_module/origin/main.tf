# ericsanto/terraform_eks_aws (provider.tf, modules.tf): the EKS cluster lives in a local
# module; the root's `provider "kubernetes"` reads the module's outputs with an AWS CLI token.
# The provider is wired to the DOKS cluster, found by the name the module outputs, so the
# root's Kubernetes objects have a cluster.
variable "instance_id" {
  type = string
}

module "eks_cluster" {
  source       = "./modules/cluster"
  project_name = "eks-${var.instance_id}"
}

provider "kubernetes" {
  host                   = module.eks_cluster.cluster_endpoint
  cluster_ca_certificate = base64decode(module.eks_cluster.cluster_certificate_authority)
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    args        = ["eks", "get-token", "--cluster-name", module.eks_cluster.cluster_name]
    command     = "aws"
  }
}

resource "kubernetes_namespace" "apps" {
  metadata {
    name = "apps"
  }
}
