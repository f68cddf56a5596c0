# external-dns kept with its AWS provider (known gap #212; cezariuszrozman/terraform-aws-eks,
# external-dns.tf): on DOKS it has no IAM role to write Route 53 with, so the names it manages
# are never created. Warned about, with what to do instead; a release set to
# `provider = digitalocean` gets no such warning. The record of the stack's own zone becomes a
# DigitalOcean record as usual.
resource "aws_eks_cluster" "main" {
  name     = "eks-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-a", "subnet-b"]
  }
}

resource "aws_route53_zone" "main" {
  name = "example.com"
}

resource "helm_release" "external_dns" {
  name       = "external-dns"
  repository = "https://kubernetes-sigs.github.io/external-dns/"
  chart      = "external-dns"
  namespace  = "kube-system"

  set {
    name  = "provider"
    value = "aws"
  }

  set {
    name  = "domainFilters[0]"
    value = aws_route53_zone.main.name
  }
}

resource "helm_release" "external_dns_do" {
  name       = "external-dns-do"
  repository = "https://kubernetes-sigs.github.io/external-dns/"
  chart      = "external-dns"
  namespace  = "kube-system"

  values = [yamlencode({
    provider = { name = "digitalocean" }
  })]
}

variable "instance_id" {
  type = string
}
