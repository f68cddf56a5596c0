# ericsanto/terraform_eks_aws (modules/aws-load-balancer-controller/helm.tf): the AWS Load
# Balancer Controller installed from AWS's EKS charts. It manages AWS resources and its pods
# cannot start on DOKS: since #302 the release is left out with a warning (it was kept, #176).
resource "aws_eks_cluster" "main" {
  name     = "eks-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "helm_release" "lb_controller" {
  name       = "aws-load-balancer-controller"
  repository = "https://aws.github.io/eks-charts"
  chart      = "aws-load-balancer-controller"
  namespace  = "kube-system"

  set {
    name  = "clusterName"
    value = aws_eks_cluster.main.name
  }
}

variable "instance_id" {
  type = string
}
