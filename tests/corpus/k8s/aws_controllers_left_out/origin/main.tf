# Megs17/Eyego_Project (infra_terraform_code/cluster-autoscaler.tf) and bakavets/k8s-lessons
# (lesson-33/terraform/helm-alb.tf): the Cluster Autoscaler on its AWS cloud provider and the
# AWS Load Balancer Controller. Their pods cannot start on DOKS (no AWS API, no IAM role), so
# the releases are left out (F305) and a `depends_on` naming one goes with it; a Cluster
# Autoscaler on another cloud provider, and other charts, are kept.
variable "instance_id" {
  type = string
}

resource "aws_eks_cluster" "eks" {
  name     = "dev-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "aws_eks_node_group" "general" {
  cluster_name    = aws_eks_cluster.eks.name
  node_group_name = "general"
  node_role_arn   = "arn:aws:iam::123456789012:role/nodes"
  subnet_ids      = ["subnet-a", "subnet-b"]
  instance_types  = ["t3.medium"]

  scaling_config {
    desired_size = 3
    max_size     = 10
    min_size     = 1
  }
}

resource "helm_release" "cluster_autoscaler" {
  name        = "autoscaler"
  repository  = "https://kubernetes.github.io/autoscaler"
  chart       = "cluster-autoscaler"
  namespace   = "kube-system"
  version     = "9.46.0"
  atomic      = true
  max_history = 5
  set = [
    {
      name  = "autoDiscovery.clusterName"
      value = aws_eks_cluster.eks.name
    },
    {
      name  = "awsRegion"
      value = "us-east-1"
    }
  ]

  depends_on = [aws_eks_node_group.general]
}

resource "helm_release" "capi_autoscaler" {
  name       = "capi-autoscaler"
  repository = "https://kubernetes.github.io/autoscaler"
  chart      = "cluster-autoscaler"
  namespace  = "kube-system"

  set {
    name  = "cloudProvider"
    value = "clusterapi"
  }
}

resource "helm_release" "aws_load_balancer_controller" {
  name       = "aws-load-balancer-controller"
  repository = "https://aws.github.io/eks-charts"
  chart      = "aws-load-balancer-controller"
  version    = "1.4.3"
  namespace  = "kube-system"

  set {
    name  = "clusterName"
    value = aws_eks_cluster.eks.id
  }
}

resource "helm_release" "ingress_controller" {
  name             = "ingress-nginx"
  namespace        = "ingress-nginx"
  create_namespace = true
  repository       = "https://kubernetes.github.io/ingress-nginx"
  chart            = "ingress-nginx"

  depends_on = [helm_release.aws_load_balancer_controller, aws_eks_node_group.general]
}
