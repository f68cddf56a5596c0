resource "aws_eks_cluster" "main" {
  name     = "platform-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

resource "aws_eks_node_group" "main" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "main"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  instance_types  = ["t3.large"]

  scaling_config {
    desired_size = 2
    max_size     = 3
    min_size     = 1
  }
}

resource "helm_release" "ingress_nginx" {
  name             = "ingress-nginx"
  namespace        = "ingress-nginx"
  repository       = "https://kubernetes.github.io/ingress-nginx"
  chart            = "ingress-nginx"
  create_namespace = true
}

data "kubernetes_service" "ingress" {
  metadata {
    name      = "ingress-nginx-controller"
    namespace = "ingress-nginx"
  }

  depends_on = [helm_release.ingress_nginx]
}

resource "aws_route53_zone" "public" {
  name = "apps-${var.instance_id}.example.com"
}

# On AWS the controller's NLB has a host name; a DOKS load balancer has an IP address.
resource "aws_route53_record" "wildcard" {
  zone_id = aws_route53_zone.public.zone_id
  name    = "*"
  type    = "CNAME"
  ttl     = "300"
  records = [data.kubernetes_service.ingress.status.0.load_balancer.0.ingress.0.hostname]
}

variable "instance_id" {
  type = string
}

output "ingress_hostname" {
  value = data.kubernetes_service.ingress.status.0.load_balancer.0.ingress.0.hostname
}

output "ingress_url" {
  value = "http://${data.kubernetes_service.ingress.status[0].load_balancer[0].ingress[0].hostname}/"
}
