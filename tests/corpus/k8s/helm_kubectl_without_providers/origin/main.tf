# Helm releases and kubectl manifests applied with the operator's kubeconfig: the origin
# configures no `provider "helm"` or `provider "kubectl"` (known gap #207). The stack's are
# wired to the DOKS cluster, in the form of the helm version the origin requires (3.x: the
# `kubernetes = { … }` attribute); kubectl gets its source (`gavinbunney/kubectl`), which
# `tofu init` could not guess.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
    helm = {
      source  = "hashicorp/helm"
      version = ">= 3.0.0"
    }
  }
}

resource "aws_eks_cluster" "main" {
  name     = "apps-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "default"
  node_role_arn   = "arn:aws:iam::123456789012:role/nodes"
  subnet_ids      = ["subnet-1", "subnet-2"]
  instance_types  = ["t3.large"]

  scaling_config {
    desired_size = 2
    min_size     = 1
    max_size     = 3
  }
}

resource "helm_release" "ingress" {
  name             = "ingress-nginx"
  repository       = "https://kubernetes.github.io/ingress-nginx"
  chart            = "ingress-nginx"
  namespace        = "ingress-nginx"
  create_namespace = true

  depends_on = [aws_eks_node_group.default]
}

resource "kubectl_manifest" "issuer" {
  yaml_body = <<-YAML
    apiVersion: cert-manager.io/v1
    kind: ClusterIssuer
    metadata:
      name: letsencrypt
    spec:
      acme:
        server: https://acme-v02.api.letsencrypt.org/directory
        privateKeySecretRef:
          name: letsencrypt
        solvers:
          - http01:
              ingress:
                class: nginx
  YAML

  depends_on = [helm_release.ingress]
}

variable "instance_id" {
  type = string
}
