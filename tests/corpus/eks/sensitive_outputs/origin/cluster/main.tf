variable "instance_id" {
  type = string
}

resource "aws_eks_cluster" "main" {
  name     = "app-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  version  = "1.31"

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}

output "ca" {
  value = aws_eks_cluster.main.certificate_authority[0].data
}

output "cluster" {
  value = aws_eks_cluster.main
}

output "endpoint" {
  value = aws_eks_cluster.main.endpoint
}
