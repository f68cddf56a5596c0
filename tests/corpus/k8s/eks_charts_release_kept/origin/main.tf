# ericsanto/terraform_eks_aws (modules/aws-load-balancer-controller/helm.tf): the AWS Load
# Balancer Controller installed from AWS's EKS charts. The release is kept as written, with a
# warning that it manages AWS resources and has nothing to manage on DOKS.
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
