# antondziubin/simple-eks-karpenter-setup (eks/karpenter.tf): the Karpenter chart and its
# NodePool / EC2NodeClass. Karpenter launches EC2 instances; its controller cannot run on DOKS,
# so the release and its objects are left out (F305), where another chart is kept.
variable "instance_id" {
  type = string
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.23.0"

  cluster_name    = "app-${var.instance_id}"
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
}

resource "kubectl_manifest" "node_pool" {
  yaml_body = file("kubectl/node-pool.yaml")

  depends_on = [helm_release.karpenter]
}

resource "kubernetes_manifest" "node_class" {
  manifest = {
    apiVersion = "karpenter.k8s.aws/v1"
    kind       = "EC2NodeClass"
    metadata = {
      name = "default"
    }
    spec = {
      amiSelectorTerms = [{ alias = "bottlerocket@latest" }]
      role             = "KarpenterNodeRole-app"
    }
  }

  depends_on = [helm_release.karpenter]
}

resource "helm_release" "ingress" {
  namespace        = "ingress-nginx"
  create_namespace = true
  name             = "ingress-nginx"
  repository       = "https://kubernetes.github.io/ingress-nginx"
  chart            = "ingress-nginx"
  version          = "4.12.1"
}
