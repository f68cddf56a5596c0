# A Helm release without a `provider "helm"` (known gap #207), compiled with a relay URL: the
# stack's helm provider reaches the appliance's cluster through the relay's Kubernetes path,
# with the deploy session's token, like its `provider "kubernetes"` (DESIGN §3, §5); helm 2.x
# (no requirement in the origin) takes the `kubernetes {}` block.
resource "aws_eks_cluster" "main" {
  name     = "apps-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

resource "helm_release" "metrics" {
  name       = "metrics-server"
  repository = "https://kubernetes-sigs.github.io/metrics-server"
  chart      = "metrics-server"
  namespace  = "kube-system"
}

variable "instance_id" {
  type = string
}
