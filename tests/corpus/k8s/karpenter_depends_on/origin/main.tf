# unity-sds/unity-sps (terraform-unity/modules/terraform-unity-sps-airflow/main.tf): the Airflow
# release and a Deployment wait for Karpenter NodePools (`depends_on`), and a `null_resource`'s
# trigger reads the EC2NodeClass's name. The Karpenter objects are left out of the
# deployment stack (F305), so the `depends_on` entries naming them go and the read becomes
# `null` (F401); kept, they name undeclared resources and the plan fails.
variable "instance_id" {
  type = string
}

variable "node_pools" {
  type    = map(object({ cpu = string }))
  default = { "airflow-core-components" = { cpu = "40" } }
}

resource "aws_eks_cluster" "eks" {
  name     = "sps-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "kubernetes_manifest" "node_class" {
  manifest = {
    apiVersion = "karpenter.k8s.aws/v1beta1"
    kind       = "EC2NodeClass"
    metadata   = { name = "default" }
    spec       = { amiFamily = "AL2" }
  }
}

resource "kubernetes_manifest" "node_pools" {
  for_each = var.node_pools

  manifest = {
    apiVersion = "karpenter.sh/v1beta1"
    kind       = "NodePool"
    metadata   = { name = each.key }
    spec = {
      template = { spec = { nodeClassRef = { name = kubernetes_manifest.node_class.manifest.metadata.name } } }
      limits   = { cpu = each.value.cpu }
    }
  }
  depends_on = [kubernetes_manifest.node_class]
}

resource "helm_release" "airflow" {
  name       = "airflow"
  repository = "https://airflow.apache.org"
  chart      = "airflow"
  version    = "1.11.0"
  namespace  = "airflow"
  timeout    = 1200

  depends_on = [kubernetes_manifest.node_pools]
}

resource "null_resource" "remove_node_class_finalizers" {
  triggers = {
    node_class_name = kubernetes_manifest.node_class.manifest.metadata.name
  }
  depends_on = [kubernetes_manifest.node_pools, helm_release.airflow]
}
