# The shapes of #80 and #81 (first seen on a Karpenter release, which #161 now leaves out),
# on charts that are kept: a Helm `set` whose value has no DigitalOcean counterpart (an IRSA
# role, written the Helm way with escaped dots) is left out, and a template variable given an
# unmapped value becomes `""` rather than failing the plan.
variable "instance_id" {
  type = string
}

resource "aws_eks_cluster" "main" {
  name     = "platform-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

resource "aws_iam_role" "metrics" {
  name = "metrics-${var.instance_id}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity", Principal = { Federated = "oidc" } }]
  })
}

resource "helm_release" "metrics" {
  namespace        = "monitoring"
  create_namespace = true
  name             = "metrics-server"
  repository       = "https://kubernetes-sigs.github.io/metrics-server/"
  chart            = "metrics-server"
  version          = "3.12.2"

  set {
    name  = "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn"
    value = aws_iam_role.metrics.arn
  }

  set {
    name  = "replicas"
    value = "2"
  }
}

resource "kubectl_manifest" "cluster_info" {
  yaml_body = templatefile("${path.module}/files/cluster_info.tpl", {
    NAME              = "cluster-info"
    SECURITY_GROUP_ID = aws_eks_cluster.main.vpc_config[0].cluster_security_group_id
  })

  depends_on = [helm_release.metrics]
}
