# Karpenter on an EKS cluster whose pods run on Fargate (shape of
# ssorato/linuxtips-aws-container-architecture-tf-modules eks-prometheus/). Kept with a warning
# until the tenth sweep; now left out (#206): its controller cannot run on DOKS. The shapes of
# #80 and #81 are kept in `k8s/kept_values_without_counterpart`.
resource "aws_eks_cluster" "main" {
  name     = "platform-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

resource "aws_eks_fargate_profile" "karpenter" {
  cluster_name           = aws_eks_cluster.main.name
  fargate_profile_name   = "karpenter"
  pod_execution_role_arn = "arn:aws:iam::123456789012:role/fargate"
  subnet_ids             = ["subnet-1", "subnet-2"]

  selector {
    namespace = "karpenter"
  }
}

resource "aws_iam_role" "karpenter" {
  name = "karpenter-${var.instance_id}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity", Principal = { Federated = "oidc" } }]
  })
}

# The controller, with an IRSA annotation written the Helm way (dots escaped).
resource "helm_release" "karpenter" {
  namespace        = "karpenter"
  create_namespace = true
  name             = "karpenter"
  repository       = "oci://public.ecr.aws/karpenter"
  chart            = "karpenter"
  version          = "1.0.6"

  set {
    name  = "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn"
    value = aws_iam_role.karpenter.arn
  }
}

# A node class from a template: the cluster security group has no DigitalOcean counterpart.
resource "kubectl_manifest" "ec2_node_class" {
  yaml_body = templatefile("${path.module}/files/ec2_node_class.tpl", {
    NAME              = "default"
    SECURITY_GROUP_ID = aws_eks_cluster.main.vpc_config[0].cluster_security_group_id
  })

  depends_on = [helm_release.karpenter]
}
