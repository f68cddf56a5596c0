variable "instance_id" {
  type = string
}

# A registry module Ferry does not expand: its cluster is not part of the compiled stack.
module "cluster" {
  source  = "cloudposse/eks-cluster/aws"
  version = "4.0.0"
  name    = "app"
}

data "aws_eks_cluster" "this" {
  name = module.cluster.eks_cluster_id
}

data "aws_eks_cluster_auth" "this" {
  name = module.cluster.eks_cluster_id
}

provider "kubernetes" {
  host                   = data.aws_eks_cluster.this.endpoint
  cluster_ca_certificate = base64decode(data.aws_eks_cluster.this.certificate_authority[0].data)
  token                  = data.aws_eks_cluster_auth.this.token
  load_config_file       = false
}

resource "kubernetes_namespace" "app" {
  metadata {
    name = "app-${var.instance_id}"
  }
}
